#pragma once

#include "reports/playgrounddraft.h"

#include <QWidget>

class QComboBox;
class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSpinBox;
class QTableWidget;
class QVBoxLayout;

namespace isc {

/// The Playground's prompt: a system prompt and turns (user, assistant) with {{variables}}, the
/// variables' values and the request parameters. What it holds is a PlaygroundDraft.
class PlaygroundComposer : public QWidget
{
    Q_OBJECT
public:
    explicit PlaygroundComposer(QWidget* parent = nullptr);

    /// What the fields hold now.
    PlaygroundDraft draft() const;
    /// Replaces the messages and parameters by `draft`'s; variables keep their values unless
    /// `draft` gives one.
    void load(const PlaygroundDraft& draft);

    /// Writes the prompt, variables and parameters into the current group of `settings`.
    void save(QSettings& settings) const;
    /// Reads what save() wrote (one empty user turn when there is none).
    void restore(QSettings& settings);

private:
    struct Turn
    {
        QWidget* row = nullptr;
        QComboBox* role = nullptr;
        QPlainTextEdit* text = nullptr;
    };
    Turn addTurn(const QString& role, const QString& text);
    void clearTurns();
    /// One row per {{name}} of the messages, values kept.
    void syncVariables();
    QHash<QString, QString> variableValues() const;
    void setParameters(const ChatRequest& parameters);

    QPlainTextEdit* m_system = nullptr;
    QVector<Turn> m_turns;
    QVBoxLayout* m_turnsLayout = nullptr;
    QTableWidget* m_variables = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QDoubleSpinBox* m_topP = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QLineEdit* m_stop = nullptr;
    QLineEdit* m_seed = nullptr;
    QCheckBox* m_json = nullptr;
};

} // namespace isc
