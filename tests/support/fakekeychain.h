#pragma once

#include "net/keychainbackend.h"

#include <QHash>
#include <QList>
#include <QStringList>
#include <QTimer>

namespace isc::test {

/// A keychain in memory for tests: answers on the next event-loop turn, or holds reads until
/// answerReads() when `holdReads` is set (a slow keyring). Owned by the SecretStore it is given
/// to; keep a raw pointer to steer it.
class FakeKeychain final : public KeychainBackend
{
public:
    QHash<QString, Result> entries; ///< what read() answers; absent names: NotFound
    bool holdReads = false;
    Status writeStatus = Status::Ok;
    QStringList labels; ///< every label written, in order
    int reads = 0;

    void read(const QString& name, Done done) override
    {
        ++reads;
        m_held.append({name, std::move(done)});
        if (!holdReads)
            QTimer::singleShot(0, [this] { answerReads(); });
    }
    void write(const QString& name, const QString& label, const QString& value, Done done) override
    {
        labels.append(label);
        if (writeStatus == Status::Ok)
            entries.insert(name, {Status::Ok, value, {}});
        const Result r{
            writeStatus, {}, writeStatus == Status::Ok ? QString() : QStringLiteral("refused")};
        QTimer::singleShot(0, [r, done] { done(r); });
    }
    void remove(const QString& name, Done done) override
    {
        entries.remove(name);
        QTimer::singleShot(0, [done] { done({}); });
    }
    /// Answers every read held so far.
    void answerReads()
    {
        const auto held = std::move(m_held);
        m_held.clear();
        for (const auto& [name, done] : held)
            done(entries.value(name, {Status::NotFound, {}, QStringLiteral("Entry not found")}));
    }

private:
    QList<std::pair<QString, Done>> m_held;
};

} // namespace isc::test
