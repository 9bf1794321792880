#pragma once

#include "core/timerange.h"

#include <QDialog>
#include <QVector>
#include <QWidget>
#include <functional>

class QButtonGroup;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QShortcut;
class QToolButton;

namespace isc {

/// Picks the range pages show: presets ending now (1 h, 6 h, 24 h, 7 d, 30 d; Ctrl+1..Ctrl+5)
/// or a custom range from a dialog. Preset ranges end at "now" rounded up (5 min for 1 h,
/// 15 min for 6 h, 1 h beyond) so axis ticks fall on whole times; advance() slides them.
class TimeRangePicker : public QWidget
{
    Q_OBJECT
public:
    enum class Preset { Hour, SixHours, Day, Week, Month, Custom };
    Q_ENUM(Preset)

    explicit TimeRangePicker(QWidget* parent = nullptr);

    Preset preset() const { return m_preset; }
    /// Selects a preset (not Custom) and emits rangeChanged() when the range moved.
    void setPreset(Preset preset);
    /// Selects a custom range (s UTC); ignored when invalid.
    void setCustomRange(TimeRange range);
    /// The current range (s UTC).
    TimeRange range() const { return m_range; }

    /// Recomputes a preset's range from the clock; emits rangeChanged() when it moved.
    void advance();
    /// Replaces the wall clock (s UTC), for tests.
    void setClock(std::function<qint64()> nowUtc);

    /// Length of a preset in seconds (0 for Custom).
    static qint64 presetSeconds(Preset preset);
    /// "1 h", "6 h", ...
    static QString presetLabel(Preset preset);
    /// The range a preset covers when the clock reads `now` (s UTC).
    static TimeRange presetRange(Preset preset, qint64 now);

    /// Opens the custom-range dialog (modal); applies the range when accepted.
    void chooseCustomRange();

    /// Ctrl+1..Ctrl+5 on this picker (on by default; off where the window owns them).
    void setShortcutsEnabled(bool enabled);

    /// Shows that a chart's zoom replaces the chosen range, with a "Reset zoom" button.
    void setZoomed(bool zoomed);
    bool isZoomed() const { return m_zoomed; }

signals:
    void rangeChanged(isc::TimeRange range);
    /// The "Reset zoom" button was clicked.
    void resetZoomRequested();

private:
    void select(Preset preset, TimeRange range);
    void updateButtons();

    Preset m_preset = Preset::Day;
    TimeRange m_range;
    std::function<qint64()> m_clock;
    QButtonGroup* m_group = nullptr;
    QToolButton* m_custom = nullptr;
    QToolButton* m_resetZoom = nullptr;
    bool m_zoomed = false;
    QVector<QShortcut*> m_shortcuts;
};

/// Asks for a custom range with two date-time fields (local time); refuses an end before the start.
class CustomRangeDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CustomRangeDialog(TimeRange initial, QWidget* parent = nullptr);

    /// The chosen range (s UTC), floored to whole minutes.
    TimeRange range() const;
    void setRange(TimeRange range);
    /// True when the end is after the start.
    bool isValidRange() const;

    QDateTimeEdit* fromEdit() const { return m_from; }
    QDateTimeEdit* toEdit() const { return m_to; }

private:
    void validate();

    QDateTimeEdit* m_from = nullptr;
    QDateTimeEdit* m_to = nullptr;
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace isc
