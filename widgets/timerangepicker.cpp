#include "timerangepicker.h"

#include "theme/theme.h"

#include <QButtonGroup>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QToolButton>

namespace isc {

namespace {

constexpr TimeRangePicker::Preset kPresets[] = {
    TimeRangePicker::Preset::Hour, TimeRangePicker::Preset::SixHours, TimeRangePicker::Preset::Day,
    TimeRangePicker::Preset::Week, TimeRangePicker::Preset::Month};

qint64 ceilTo(qint64 ts, qint64 step)
{
    return floorTo(ts + step - 1, step);
}

QString shortRange(TimeRange r)
{
    const QLocale locale;
    const QDateTime from = QDateTime::fromSecsSinceEpoch(r.from);
    const QDateTime to = QDateTime::fromSecsSinceEpoch(r.to);
    const QString fmt = QStringLiteral("MMM d HH:mm");
    if (from.date() == to.date())
        return locale.toString(from, fmt) + QStringLiteral(" – ") +
               locale.toString(to, QStringLiteral("HH:mm"));
    return locale.toString(from, fmt) + QStringLiteral(" – ") + locale.toString(to, fmt);
}

} // namespace

TimeRangePicker::TimeRangePicker(QWidget* parent) : QWidget(parent), m_clock(&nowUtc)
{
    setAccessibleName(tr("Time range"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_group = new QButtonGroup(this);
    m_group->setExclusive(true);
    int n = 1;
    for (Preset p : kPresets) {
        auto* b = new QToolButton(this);
        b->setText(presetLabel(p));
        b->setCheckable(true);
        b->setAutoRaise(false);
        const QKeySequence key(QStringLiteral("Ctrl+%1").arg(n));
        b->setToolTip(
            tr("Last %1 (%2)").arg(presetLabel(p), key.toString(QKeySequence::NativeText)));
        b->setAccessibleName(tr("Last %1").arg(presetLabel(p)));
        m_group->addButton(b, int(p));
        layout->addWidget(b);
        auto* shortcut = new QShortcut(key, this);
        m_shortcuts.append(shortcut);
        connect(shortcut, &QShortcut::activated, this, [this, p] { setPreset(p); });
        ++n;
    }
    m_custom = new QToolButton(this);
    m_custom->setText(tr("Custom…"));
    m_custom->setCheckable(true);
    m_custom->setToolTip(tr("Choose a start and end"));
    m_custom->setAccessibleName(tr("Custom range"));
    m_group->addButton(m_custom, int(Preset::Custom));
    layout->addWidget(m_custom);
    m_resetZoom = new QToolButton(this);
    m_resetZoom->setText(tr("Reset zoom"));
    m_resetZoom->setToolTip(tr("Back to the range chosen before zooming (Esc or double-click on "
                               "a chart)"));
    m_resetZoom->setAccessibleName(tr("Reset zoom"));
    m_resetZoom->setVisible(false);
    layout->addWidget(m_resetZoom);
    connect(m_resetZoom, &QToolButton::clicked, this, &TimeRangePicker::resetZoomRequested);
    markCheckedButtons(this); // the chosen range stands out in either theme
    connect(m_group, &QButtonGroup::idClicked, this, [this](int id) {
        if (Preset(id) == Preset::Custom)
            chooseCustomRange();
        else
            setPreset(Preset(id));
    });
    m_range = presetRange(m_preset, m_clock());
    updateButtons();
}

qint64 TimeRangePicker::presetSeconds(Preset preset)
{
    switch (preset) {
    case Preset::Hour:
        return 3600;
    case Preset::SixHours:
        return 6 * 3600;
    case Preset::Day:
        return 24 * 3600;
    case Preset::Week:
        return 7 * 86400;
    case Preset::Month:
        return 30 * 86400;
    case Preset::Custom:
        break;
    }
    return 0;
}

QString TimeRangePicker::presetLabel(Preset preset)
{
    switch (preset) {
    case Preset::Hour:
        return tr("1 h");
    case Preset::SixHours:
        return tr("6 h");
    case Preset::Day:
        return tr("24 h");
    case Preset::Week:
        return tr("7 d");
    case Preset::Month:
        return tr("30 d");
    case Preset::Custom:
        break;
    }
    return tr("Custom");
}

TimeRange TimeRangePicker::presetRange(Preset preset, qint64 now)
{
    const qint64 length = presetSeconds(preset);
    if (length == 0)
        return {};
    // Whole ends put the axis ticks on whole times, at the cost of a little empty future.
    const qint64 align = length <= 3600 ? 300 : length <= 6 * 3600 ? 900 : 3600;
    const qint64 to = ceilTo(now, align);
    return {to - length, to};
}

void TimeRangePicker::setPreset(Preset preset)
{
    if (preset == Preset::Custom)
        return;
    select(preset, presetRange(preset, m_clock()));
}

void TimeRangePicker::setCustomRange(TimeRange range)
{
    if (!range.isValid())
        return;
    select(Preset::Custom, range);
}

void TimeRangePicker::advance()
{
    if (m_preset != Preset::Custom)
        select(m_preset, presetRange(m_preset, m_clock()));
}

void TimeRangePicker::setShortcutsEnabled(bool enabled)
{
    for (QShortcut* s : std::as_const(m_shortcuts))
        s->setEnabled(enabled);
}

void TimeRangePicker::setZoomed(bool zoomed)
{
    m_zoomed = zoomed;
    // isHidden(), not isVisible(): a picker on a page not on screen keeps its state too.
    m_resetZoom->setHidden(!zoomed);
    updateButtons();
}

void TimeRangePicker::setClock(std::function<qint64()> nowUtc)
{
    m_clock = std::move(nowUtc);
    advance();
}

void TimeRangePicker::chooseCustomRange()
{
    CustomRangeDialog dialog(m_range, this);
    if (dialog.exec() == QDialog::Accepted)
        setCustomRange(dialog.range());
    updateButtons(); // a cancelled dialog leaves the previous choice checked
}

void TimeRangePicker::select(Preset preset, TimeRange range)
{
    const bool changed = !(range == m_range) || preset != m_preset;
    m_preset = preset;
    m_range = range;
    updateButtons();
    if (changed)
        emit rangeChanged(range);
}

void TimeRangePicker::updateButtons()
{
    if (QAbstractButton* b = m_group->button(int(m_preset)))
        b->setChecked(true);
    if (m_preset == Preset::Custom) {
        m_custom->setText(shortRange(m_range));
        m_custom->setToolTip(
            m_zoomed ? tr("Zoomed to %1. Click to choose a range.").arg(shortRange(m_range))
                     : tr("Custom range: %1. Click to change.").arg(shortRange(m_range)));
    } else {
        m_custom->setText(tr("Custom…"));
        m_custom->setToolTip(tr("Choose a start and end"));
    }
}

CustomRangeDialog::CustomRangeDialog(TimeRange initial, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Custom time range"));
    auto* form = new QFormLayout(this);
    const QString format = QStringLiteral("yyyy-MM-dd HH:mm");
    m_from = new QDateTimeEdit(this);
    m_to = new QDateTimeEdit(this);
    for (QDateTimeEdit* e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(format);
        e->setTimeSpec(Qt::LocalTime);
    }
    m_from->setAccessibleName(tr("Start (local time)"));
    m_to->setAccessibleName(tr("End (local time)"));
    form->addRow(tr("&From (local time):"), m_from);
    form->addRow(tr("&To (local time):"), m_to);
    m_error = new QLabel(this);
    watchTheme(m_error, [error = m_error] {
        error->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::ErrorText)));
    });
    m_error->setWordWrap(true);
    form->addRow(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(m_buttons);
    for (QDateTimeEdit* e : {m_from, m_to})
        connect(e, &QDateTimeEdit::dateTimeChanged, this, &CustomRangeDialog::validate);
    if (!initial.isValid()) {
        const qint64 now = floorTo(nowUtc(), 60);
        initial = {now - 86400, now};
    }
    setRange(initial);
}

TimeRange CustomRangeDialog::range() const
{
    return {floorTo(m_from->dateTime().toSecsSinceEpoch(), 60),
            floorTo(m_to->dateTime().toSecsSinceEpoch(), 60)};
}

void CustomRangeDialog::setRange(TimeRange range)
{
    m_from->setDateTime(QDateTime::fromSecsSinceEpoch(range.from));
    m_to->setDateTime(QDateTime::fromSecsSinceEpoch(range.to));
    validate();
}

bool CustomRangeDialog::isValidRange() const
{
    return range().isValid();
}

void CustomRangeDialog::validate()
{
    const bool ok = isValidRange();
    m_error->setText(ok ? QString() : tr("The end must be after the start."));
    m_error->setVisible(!ok);
    if (QPushButton* b = m_buttons ? m_buttons->button(QDialogButtonBox::Ok) : nullptr)
        b->setEnabled(ok);
}

} // namespace isc
