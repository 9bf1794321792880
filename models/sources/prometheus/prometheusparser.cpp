#include "prometheusparser.h"

#include <QHash>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace isc::prometheus {
namespace {

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

// The suffixes a sample of a family of `type` may carry after the family name.
QList<QLatin1String> suffixesOf(const QString& type)
{
    if (type == QLatin1String("histogram"))
        return {QLatin1String("_bucket"), QLatin1String("_sum"), QLatin1String("_count"),
                QLatin1String("_created")};
    if (type == QLatin1String("gaugehistogram"))
        return {QLatin1String("_bucket"), QLatin1String("_gsum"), QLatin1String("_gcount")};
    if (type == QLatin1String("summary"))
        return {QLatin1String("_sum"), QLatin1String("_count"), QLatin1String("_created")};
    if (type == QLatin1String("counter"))
        return {QLatin1String("_total"), QLatin1String("_created")};
    if (type == QLatin1String("info"))
        return {QLatin1String("_info")};
    return {};
}

// Reads one line at a time; keeps the line number for errors.
class Parser
{
public:
    Parser(const QByteArray& body, bool openMetrics, const ParseLimits& limits)
        : m_body(body), m_om(openMetrics), m_limits(limits)
    {}

    ExpositionParseResult run();

private:
    bool parseComment(const QByteArray& line);
    bool parseSampleLine(const QByteArray& line);
    int familyFor(const QString& sampleName);
    int declare(const QString& name);
    QString fail(const QString& what) const
    {
        return QStringLiteral("line %1: %2").arg(m_lineNo).arg(what);
    }

    const QByteArray& m_body;
    bool m_om = false;
    ParseLimits m_limits;
    qsizetype m_samples = 0;
    int m_lineNo = 0;
    QString m_error;
    ExpositionParseResult m_result;
    QHash<QString, int> m_byName;
};

int Parser::declare(const QString& name)
{
    auto it = m_byName.constFind(name);
    if (it != m_byName.cend())
        return it.value();
    PromFamily f;
    f.name = name;
    m_result.families.append(f);
    const int index = static_cast<int>(m_result.families.size() - 1);
    m_byName.insert(name, index);
    return index;
}

int Parser::familyFor(const QString& sampleName)
{
    // A family of exactly this name wins (prometheus_client's text format declares "x_created"
    // as a gauge family of its own); else a family whose type allows the suffix claims it.
    auto exact = m_byName.constFind(sampleName);
    if (exact != m_byName.cend())
        return exact.value();
    for (const QLatin1String suffix :
         {QLatin1String("_bucket"), QLatin1String("_count"), QLatin1String("_sum"),
          QLatin1String("_created"), QLatin1String("_total"), QLatin1String("_gcount"),
          QLatin1String("_gsum"), QLatin1String("_info")}) {
        if (!sampleName.endsWith(suffix))
            continue;
        const QString base = sampleName.left(sampleName.size() - suffix.size());
        auto it = m_byName.constFind(base);
        if (it != m_byName.cend() &&
            suffixesOf(m_result.families.at(it.value()).type).contains(suffix))
            return it.value();
    }
    return declare(sampleName);
}

QString unescape(const QByteArray& raw, bool quoteEscape)
{
    QByteArray out;
    out.reserve(raw.size());
    for (int i = 0; i < raw.size(); ++i) {
        const char c = raw.at(i);
        if (c == '\\' && i + 1 < raw.size()) {
            const char n = raw.at(i + 1);
            if (n == '\\' || (quoteEscape && n == '"')) {
                out += n;
                ++i;
                continue;
            }
            if (n == 'n') {
                out += '\n';
                ++i;
                continue;
            }
        }
        out += c;
    }
    return QString::fromUtf8(out);
}

bool Parser::parseComment(const QByteArray& line)
{
    // "# HELP name text", "# TYPE name type", "# UNIT name unit"; any other comment is ignored.
    QByteArray rest = line.mid(1);
    if (rest.startsWith(' '))
        rest = rest.mid(1);
    else if (m_om)
        return (m_error = fail(QStringLiteral("a comment must start with \"# \""))), false;
    const int sp = rest.indexOf(' ');
    const QByteArray keyword = sp < 0 ? rest : rest.left(sp);
    if (keyword != "HELP" && keyword != "TYPE" && keyword != "UNIT") {
        if (m_om)
            return (m_error = fail(QStringLiteral("unknown descriptor \"%1\"")
                                       .arg(QString::fromUtf8(keyword)))),
                   false;
        return true;
    }
    QByteArray tail = sp < 0 ? QByteArray() : rest.mid(sp + 1);
    const int sp2 = tail.indexOf(' ');
    const QByteArray name = sp2 < 0 ? tail : tail.left(sp2);
    const QByteArray text = sp2 < 0 ? QByteArray() : tail.mid(sp2 + 1);
    if (name.isEmpty() || !isNameStart(name.at(0)))
        return (m_error = fail(QStringLiteral("# %1 without a metric name")
                                   .arg(QString::fromLatin1(keyword)))),
               false;
    for (char c : name) {
        if (!isNameChar(c))
            return (m_error = fail(
                        QStringLiteral("invalid metric name \"%1\"").arg(QString::fromUtf8(name)))),
                   false;
    }
    const int index = declare(QString::fromUtf8(name));
    PromFamily& f = m_result.families[index];
    if (keyword == "HELP") {
        f.help = unescape(text, m_om);
    } else if (keyword == "UNIT") {
        f.unit = QString::fromUtf8(text.trimmed());
    } else {
        const QString type = QString::fromUtf8(text.trimmed());
        static const QStringList known = {
            QStringLiteral("counter"),        QStringLiteral("gauge"),
            QStringLiteral("histogram"),      QStringLiteral("summary"),
            QStringLiteral("untyped"),        QStringLiteral("unknown"),
            QStringLiteral("gaugehistogram"), QStringLiteral("info"),
            QStringLiteral("stateset")};
        if (!known.contains(type))
            return (m_error = fail(QStringLiteral("unknown metric type \"%1\"").arg(type))), false;
        if (!f.samples.isEmpty())
            return (m_error =
                        fail(QStringLiteral("# TYPE of \"%1\" after its samples").arg(f.name))),
                   false;
        f.type = type == QLatin1String("unknown") ? QStringLiteral("untyped") : type;
    }
    return true;
}

bool Parser::parseSampleLine(const QByteArray& line)
{
    int i = 0;
    const int n = static_cast<int>(line.size());
    auto skipSpaces = [&] {
        while (i < n && (line.at(i) == ' ' || line.at(i) == '\t'))
            ++i;
    };
    if (!isNameStart(line.at(0)))
        return (m_error = fail(QStringLiteral("expected a metric name"))), false;
    while (i < n && isNameChar(line.at(i)))
        ++i;
    PromSample s;
    s.name = QString::fromUtf8(line.left(i));
    const int afterName = i;
    if (!m_om)
        skipSpaces();
    if (i >= n || line.at(i) != '{')
        i = afterName; // no labels: the separator before the value is checked below
    if (i < n && line.at(i) == '{') {
        ++i;
        for (;;) {
            if (!m_om)
                skipSpaces();
            if (i < n && line.at(i) == '}') {
                ++i;
                break;
            }
            const int start = i;
            if (i >= n || !isNameStart(line.at(i)) || line.at(i) == ':')
                return (m_error =
                            fail(QStringLiteral("expected a label name in \"%1\"").arg(s.name))),
                       false;
            while (i < n && isNameChar(line.at(i)) && line.at(i) != ':')
                ++i;
            const QString key = QString::fromUtf8(line.mid(start, i - start));
            if (!m_om)
                skipSpaces();
            if (i >= n || line.at(i) != '=')
                return (m_error = fail(QStringLiteral("expected '=' after label \"%1\"").arg(key))),
                       false;
            ++i;
            if (!m_om)
                skipSpaces();
            if (i >= n || line.at(i) != '"')
                return (m_error =
                            fail(QStringLiteral("label \"%1\" has no quoted value").arg(key))),
                       false;
            ++i;
            const int vstart = i;
            while (i < n && line.at(i) != '"') {
                if (line.at(i) == '\\')
                    ++i;
                ++i;
            }
            if (i >= n)
                return (m_error =
                            fail(QStringLiteral("unterminated value of label \"%1\"").arg(key))),
                       false;
            const QString value = unescape(line.mid(vstart, i - vstart), true);
            ++i;
            for (const auto& l : s.labels) {
                if (l.first == key)
                    return (m_error = fail(QStringLiteral("label \"%1\" repeated").arg(key))),
                           false;
            }
            if (s.labels.size() >= m_limits.maxLabels)
                return (m_error = fail(QStringLiteral("\"%1\" has more than %2 labels: "
                                                      "Inferscope reads at most %2 per sample")
                                           .arg(s.name)
                                           .arg(m_limits.maxLabels))),
                       false;
            s.labels.append({key, value});
            if (!m_om)
                skipSpaces();
            if (i < n && line.at(i) == ',') {
                ++i;
                continue;
            }
            if (i < n && line.at(i) == '}') {
                ++i;
                break;
            }
            return (m_error =
                        fail(QStringLiteral("expected ',' or '}' after label \"%1\"").arg(key))),
                   false;
        }
    }
    if (i >= n || (line.at(i) != ' ' && line.at(i) != '\t'))
        return (m_error = fail(QStringLiteral("expected a value after \"%1\"").arg(s.name))), false;
    skipSpaces();
    // Value, optional timestamp, then (OpenMetrics) an optional exemplar after " # ".
    QByteArray rest = line.mid(i);
    const int exemplar = rest.indexOf(" #");
    if (exemplar >= 0) {
        if (!m_om)
            return (m_error = fail(
                        QStringLiteral("unexpected text after the value of \"%1\"").arg(s.name))),
                   false;
        rest = rest.left(exemplar);
    }
    const QList<QByteArray> parts = rest.simplified().split(' ');
    if (parts.isEmpty() || parts.at(0).isEmpty() || parts.size() > 2)
        return (m_error = fail(QStringLiteral("expected a value and an optional timestamp for "
                                              "\"%1\"")
                                   .arg(s.name))),
               false;
    if (!parseSampleValue(parts.at(0), &s.value))
        return (m_error = fail(QStringLiteral("invalid value \"%1\" for \"%2\"")
                                   .arg(QString::fromUtf8(parts.at(0)), s.name))),
               false;
    if (parts.size() == 2) {
        bool ok = false;
        if (m_om) {
            const double seconds = parts.at(1).toDouble(&ok);
            ok = ok && std::isfinite(seconds);
            s.timestampMs = ok ? std::llround(seconds * 1000.0) : 0;
        } else {
            s.timestampMs = parts.at(1).toLongLong(&ok);
        }
        if (!ok)
            return (m_error = fail(QStringLiteral("invalid timestamp \"%1\" for \"%2\"")
                                       .arg(QString::fromUtf8(parts.at(1)), s.name))),
                   false;
        s.hasTimestamp = true;
    }
    if (++m_samples > m_limits.maxSamples)
        return (m_error =
                    QStringLiteral(
                        "the scrape holds more than %1 samples: Inferscope reads at most %1 per "
                        "scrape (drop high-cardinality labels on the server, or scrape a narrower "
                        "endpoint)")
                        .arg(m_limits.maxSamples)),
               false;
    m_result.families[familyFor(s.name)].samples.append(s);
    return true;
}

ExpositionParseResult Parser::run()
{
    m_result.openMetrics = m_om;
    bool sawEof = false;
    int pos = 0;
    const int size = static_cast<int>(m_body.size());
    while (pos < size) {
        int end = m_body.indexOf('\n', pos);
        if (end < 0)
            end = size;
        ++m_lineNo;
        if (end - pos > m_limits.maxLineBytes) {
            m_result.error = fail(QStringLiteral("a line longer than %1 bytes: not an exposition "
                                                 "Inferscope reads")
                                      .arg(m_limits.maxLineBytes));
            m_result.families.clear();
            return m_result;
        }
        QByteArray line = m_body.mid(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (sawEof) {
            if (line.isEmpty() && pos >= size)
                break;
            m_result.error = fail(QStringLiteral("content after # EOF"));
            return m_result;
        }
        if (line == "# EOF" && m_om) {
            sawEof = true;
            continue;
        }
        if (!m_om) {
            line = line.trimmed();
            if (line.isEmpty())
                continue;
        } else if (line.isEmpty()) {
            m_result.error = fail(QStringLiteral("empty line in an OpenMetrics exposition"));
            return m_result;
        }
        const bool ok = line.startsWith('#') ? parseComment(line) : parseSampleLine(line);
        if (!ok) {
            m_result.error = m_error;
            m_result.families.clear(); // nothing half-read is kept (nor its memory)
            return m_result;
        }
    }
    if (m_om && !sawEof) {
        m_result.error = QStringLiteral("the OpenMetrics exposition ends without \"# EOF\" (the "
                                        "scrape was probably cut off)");
        return m_result;
    }
    m_result.ok = true;
    return m_result;
}

} // namespace

QString PromSample::label(const QString& key) const
{
    for (const auto& l : labels) {
        if (l.first == key)
            return l.second;
    }
    return QString();
}

const PromFamily* ExpositionParseResult::family(const QString& name) const
{
    for (const auto& f : families) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

qsizetype ExpositionParseResult::sampleCount() const
{
    qsizetype n = 0;
    for (const auto& f : families)
        n += f.samples.size();
    return n;
}

bool parseSampleValue(const QByteArray& text, double* value)
{
    const QByteArray t = text.toLower();
    if (t == "nan") {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (t == "+inf" || t == "inf" || t == "+infinity" || t == "infinity") {
        *value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (t == "-inf" || t == "-infinity") {
        *value = -std::numeric_limits<double>::infinity();
        return true;
    }
    // from_chars: locale-free, and it tells an overflow (a well-formed number beyond the double
    // range, which Prometheus reads as +/-Inf) from a malformed one.
    const char* first = text.constData();
    const char* last = first + text.size();
    if (first != last && *first == '+')
        ++first; // from_chars takes no leading '+'
    double v = 0;
    const auto [end, ec] = std::from_chars(first, last, v);
    if (end != last || first == last)
        return false;
    if (ec == std::errc::result_out_of_range) {
        // Overflow or underflow: tell them apart by the exponent's sign.
        const int e = text.toLower().indexOf('e');
        const bool tiny = e >= 0 && text.mid(e + 1).startsWith('-');
        const bool negative = text.startsWith('-');
        v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
        *value = negative ? -v : v;
        return true;
    }
    if (ec != std::errc())
        return false;
    *value = v;
    return true;
}

ExpositionParseResult parseExposition(const QByteArray& body, ExpositionFormat format,
                                      const ParseLimits& limits)
{
    ExpositionParseResult refused;
    if (body.size() > limits.maxBodyBytes) {
        refused.error = QStringLiteral("the scrape is %1 bytes: Inferscope reads at most %2 bytes "
                                       "per scrape")
                            .arg(body.size())
                            .arg(limits.maxBodyBytes);
        return refused;
    }
    // gzip's magic, or a NUL byte: compressed or binary bytes, never a text exposition.
    if (body.startsWith("\x1f\x8b")) {
        refused.error = QStringLiteral("the body is gzip-compressed data that was not "
                                       "decompressed (it starts with the bytes 1f 8b), not a "
                                       "text exposition");
        return refused;
    }
    if (body.left(64 * 1024).contains('\0')) {
        refused.error = QStringLiteral("the body is binary (it holds NUL bytes), not a text "
                                       "exposition: check the URL and any proxy in between");
        return refused;
    }
    bool om = format == ExpositionFormat::OpenMetrics;
    if (format == ExpositionFormat::Auto)
        om = body.startsWith("# EOF") || body.contains("\n# EOF");
    return Parser(body, om, limits).run();
}

} // namespace isc::prometheus
