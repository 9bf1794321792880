#include "itemmodels/costpricemodel.h"

#include <QJsonDocument>
#include <QStringList>

namespace isc {
namespace {

const char* const kKeys[] = {
    nullptr,      nullptr,       nullptr,       nullptr,         "input",        "cachedInput",
    "output",     "batchInput",  "batchOutput", "cacheWrite5m",  "cacheWrite1h", "cacheRead",
    "ptu.hourly", "ptu.monthly", "ptu.yearly",  "hostingHourly", nullptr,        nullptr,
    nullptr,      nullptr,       nullptr,
};
static_assert(std::size(kKeys) == CostPriceModel::ColumnCount);

bool sameRow(const QJsonObject& o, const PriceEntry& e)
{
    QString sku = o.value(QLatin1String("sku")).toString();
    return o.value(QLatin1String("provider")).toString() == e.provider &&
           o.value(QLatin1String("model")).toString() == e.model &&
           o.value(QLatin1String("version")).toString() == e.version && !sku.isEmpty() &&
           sku == e.sku;
}

std::optional<qint64> valueOf(const PriceEntry& e, int column)
{
    const auto ptu = [&](auto f) -> std::optional<qint64> {
        return e.ptu ? f(*e.ptu) : std::nullopt;
    };
    switch (column) {
    case CostPriceModel::Input:
        return e.tokens.input;
    case CostPriceModel::CachedInput:
        return e.tokens.cachedInput;
    case CostPriceModel::Output:
        return e.tokens.output;
    case CostPriceModel::BatchInput:
        return e.tokens.batchInput;
    case CostPriceModel::BatchOutput:
        return e.tokens.batchOutput;
    case CostPriceModel::CacheWrite5m:
        return e.tokens.cacheWrite5m;
    case CostPriceModel::CacheWrite1h:
        return e.tokens.cacheWrite1h;
    case CostPriceModel::CacheRead:
        return e.tokens.cacheRead;
    case CostPriceModel::PtuHourly:
        return ptu([](const PtuPrices& p) { return std::optional<qint64>(p.hourlyMicros); });
    case CostPriceModel::PtuMonthly:
        return ptu([](const PtuPrices& p) { return p.monthlyMicros; });
    case CostPriceModel::PtuYearly:
        return ptu([](const PtuPrices& p) { return p.yearlyMicros; });
    case CostPriceModel::Hosting:
        return e.hostingHourlyMicros;
    default:
        return std::nullopt;
    }
}

} // namespace

QString priceText(qint64 micros)
{
    int decimals = 6;
    qint64 m = micros < 0 ? -micros : micros;
    while (decimals > 2 && m % 10 == 0) {
        m /= 10;
        --decimals;
    }
    return Money::fromMicros(micros).format(decimals, QString());
}

QString CostPriceModel::fieldKey(int column)
{
    if (column < 0 || column >= ColumnCount || !kKeys[column])
        return {};
    return QLatin1String(kKeys[column]);
}

CostPriceModel::CostPriceModel(PriceCatalog base, const QJsonArray& overrides, QObject* parent)
    : QAbstractTableModel(parent), m_base(std::move(base)), m_applied(m_base)
{
    // Overrides naming exactly one catalog row become that row's edits; others pass through.
    m_rowEdits.resize(m_base.entries().size());
    for (const QJsonValue& v : overrides) {
        const QJsonObject o = v.toObject();
        int row = -1;
        for (int i = 0; i < m_base.entries().size(); ++i) {
            if (sameRow(o, m_base.entries()[i]))
                row = i;
        }
        if (row < 0) {
            m_passthrough.append(o);
            continue;
        }
        QJsonObject edits = m_rowEdits[row];
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (it.key() == QLatin1String("ptu")) {
                const QJsonObject ptu = it.value().toObject();
                for (auto p = ptu.constBegin(); p != ptu.constEnd(); ++p)
                    edits.insert(QStringLiteral("ptu.") + p.key(), p.value());
            } else if (it.key() != QLatin1String("provider") &&
                       it.key() != QLatin1String("model") && it.key() != QLatin1String("version") &&
                       it.key() != QLatin1String("sku")) {
                edits.insert(it.key(), it.value());
            }
        }
        m_rowEdits[row] = edits;
    }
    QString error;
    m_applied = m_base;
    if (!m_applied.applyOverrides(QJsonDocument(this->overrides()).toJson(), &error)) {
        m_error = error;
        m_applied = m_base;
    }
}

QJsonArray CostPriceModel::rowOverrideArray(const QVector<QJsonObject>& rows) const
{
    QJsonArray out = m_passthrough;
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject& edits = rows[i];
        if (edits.isEmpty())
            continue;
        const PriceEntry& e = m_base.entries()[i];
        QJsonObject o{{QStringLiteral("provider"), e.provider},
                      {QStringLiteral("model"), e.model},
                      {QStringLiteral("version"), e.version},
                      {QStringLiteral("sku"), e.sku}};
        QJsonObject ptu;
        for (auto it = edits.constBegin(); it != edits.constEnd(); ++it) {
            if (it.key().startsWith(QLatin1String("ptu.")))
                ptu.insert(it.key().mid(4), it.value());
            else
                o.insert(it.key(), it.value());
        }
        if (!ptu.isEmpty())
            o.insert(QStringLiteral("ptu"), ptu);
        if (!o.contains(QLatin1String("note")))
            o.insert(QStringLiteral("note"), QStringLiteral("Set in the price editor"));
        out.append(o);
    }
    return out;
}

QJsonArray CostPriceModel::overrides() const
{
    return rowOverrideArray(m_rowEdits);
}

bool CostPriceModel::rebuild(const QJsonArray& all)
{
    PriceCatalog next = m_base;
    QString error;
    if (!next.applyOverrides(QJsonDocument(all).toJson(), &error)) {
        m_error = error;
        return false;
    }
    m_applied = next;
    m_error.clear();
    return true;
}

void CostPriceModel::clearOverride(int row)
{
    if (row < 0 || row >= m_rowEdits.size() || m_rowEdits[row].isEmpty())
        return;
    QVector<QJsonObject> rows = m_rowEdits;
    rows[row] = {};
    if (!rebuild(rowOverrideArray(rows)))
        return;
    m_rowEdits = rows;
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

bool CostPriceModel::hasOverride(int row) const
{
    return row >= 0 && row < m_rowEdits.size() && !m_rowEdits[row].isEmpty();
}

int CostPriceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_base.entries().size());
}

int CostPriceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CostPriceModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    // Rows follow the base catalog; the applied catalog keeps its order (overrides that add
    // entries append after it).
    const PriceEntry& e = m_applied.entries()[index.row()];
    const int c = index.column();
    const QJsonObject& edits = m_rowEdits[index.row()];
    const QString key = fieldKey(c);
    const bool cellOverride =
        (!key.isEmpty() &&
         (edits.contains(key) || (e.overridden && valueOf(e, c).has_value() &&
                                  valueOf(e, c) != valueOf(m_base.entries()[index.row()], c)))) ||
        (c == Discount && edits.contains(QLatin1String("discountPercent")));
    if (role == OverrideRole)
        return cellOverride || (c == Override && e.overridden);
    if (role == ValueRole) {
        const auto v = valueOf(e, c);
        return v ? QVariant(*v) : QVariant();
    }
    if (role == Qt::ToolTipRole) {
        if (c == Source || c == Confirmed)
            return e.note;
        if (cellOverride)
            return tr("Workspace override (catalog: %1)")
                .arg(valueOf(m_base.entries()[index.row()], c)
                         ? priceText(*valueOf(m_base.entries()[index.row()], c))
                         : tr("not published"));
        if (!key.isEmpty())
            return c >= PtuHourly && c <= PtuYearly
                       ? tr("USD per PTU (hour, month, year)")
                       : (c == Hosting ? tr("USD per deployment-hour (fine-tuned models)")
                                       : tr("USD per 1M tokens"));
        return {};
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::Alignment(
            (key.isEmpty() && c != Discount ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter));
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (c) {
    case Provider:
        return e.provider;
    case Model:
        return e.model;
    case Version:
        return e.version;
    case Sku:
        return e.sku;
    case Discount:
        return edits.value(QLatin1String("discountPercent")).toVariant().toString();
    case Source:
        return e.source;
    case AsOf:
        return e.asOf;
    case Confirmed:
        return e.confirmed ? tr("yes") : tr("no");
    case Override:
        return e.overridden ? (e.overrideNote.isEmpty() ? tr("override") : e.overrideNote)
                            : QString();
    default:
        break;
    }
    const auto v = valueOf(e, c);
    if (!v)
        return role == Qt::EditRole ? QString() : QStringLiteral("—");
    return priceText(*v);
}

bool CostPriceModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) ||
        !(flags(index) & Qt::ItemIsEditable))
        return false;
    const int c = index.column();
    const QString text = value.toString().trimmed().remove(QLatin1Char('$'));
    QVector<QJsonObject> rows = m_rowEdits;
    QJsonObject& edits = rows[index.row()];
    const QString key = c == Discount ? QStringLiteral("discountPercent") : fieldKey(c);
    if (text.isEmpty()) {
        edits.remove(key);
    } else {
        Money m;
        if (!Money::parse(text, &m) || m.micros < 0) {
            m_error = tr("\"%1\" is not a price: type a decimal number of US dollars, e.g. 2.50.")
                          .arg(value.toString());
            return false;
        }
        if (c == Discount && m.micros > 100'000'000) {
            m_error = tr("A discount is between 0 and 100 %.");
            return false;
        }
        edits.insert(key, text);
    }
    if (!rebuild(rowOverrideArray(rows)))
        return false;
    m_rowEdits = rows;
    emit dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    return true;
}

Qt::ItemFlags CostPriceModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const int c = index.column();
    const PriceEntry& e = m_base.entries()[index.row()];
    const bool ptuColumn = c >= PtuHourly && c <= PtuYearly;
    if (c == Discount || (!fieldKey(c).isEmpty() && (ptuColumn == e.ptu.has_value())))
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant CostPriceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const names[] = {
        QT_TR_NOOP("Provider"),       QT_TR_NOOP("Model"),          QT_TR_NOOP("Version"),
        QT_TR_NOOP("SKU / tier"),     QT_TR_NOOP("Input"),          QT_TR_NOOP("Cached input"),
        QT_TR_NOOP("Output"),         QT_TR_NOOP("Batch input"),    QT_TR_NOOP("Batch output"),
        QT_TR_NOOP("Cache write 5m"), QT_TR_NOOP("Cache write 1h"), QT_TR_NOOP("Cache read"),
        QT_TR_NOOP("PTU hourly"),     QT_TR_NOOP("PTU monthly"),    QT_TR_NOOP("PTU yearly"),
        QT_TR_NOOP("Hosting /h"),     QT_TR_NOOP("Discount %"),     QT_TR_NOOP("Source"),
        QT_TR_NOOP("As of"),          QT_TR_NOOP("Confirmed"),      QT_TR_NOOP("Override"),
    };
    static_assert(std::size(names) == ColumnCount);
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace isc
