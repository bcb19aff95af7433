#pragma once
// Controls for the embedded demo: the load generator's rate (with a burst), payload size and
// shares of duplicates and malformed messages, and faults to watch the engine ride out: stop and
// start the embedded PostgreSQL, take mock brokers down and bring them back. Slow actions run off
// the GUI thread (see DemoControl); the page only shows them under way.
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <deque>
#include <utility>
#include <vector>

#include "ui/session/demo_control.h"

class QGridLayout;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QDoubleSpinBox;

namespace spillway {

class SnapshotFeed;
class TimeSeriesChart;
class ToneLabel;
struct Snapshot;

class DemoPage : public QWidget {
    Q_OBJECT
public:
    // Three times the rate: a clear spike on the charts that the engine can absorb. Ten times the
    // console's 20,000/s outruns the mock cluster's small per-partition retention and loses data.
    static constexpr double kBurstFactor = 3;
    static constexpr int kBurstSeconds = 5;

    // `control` may be null: the page stays unavailable.
    DemoPage(SnapshotFeed* feed, DemoControl* control, QWidget* parent = nullptr);

    bool available() const { return available_; }
    // Reads the demo's state now (the page also does on every snapshot tick).
    void refresh();

    void setRate(double rate_per_sec);
    void startBurst();
    bool bursting() const { return burst_left_ > 0; }
    // How long a burst lasts (tests shorten it).
    void setBurstSeconds(int seconds) { burst_seconds_ = seconds; }

signals:
    // The embedded demo started or ended: the page is worth showing or not.
    void availabilityChanged(bool available);

private:
    QWidget* build_load_card();
    QWidget* build_database_card();
    QWidget* build_brokers_card();
    void take_settings(const DemoStatus& status);
    void show_status(const DemoStatus& status);
    void rebuild_broker_rows(size_t brokers);
    void send_rate();
    void send_shares();
    void toggle_database();
    void toggle_broker(int broker_id);
    void burst_tick();
    void action_done(const QString& what, const QString& error);
    void build_effect_charts();
    void plot(const Snapshot& snapshot);
    // A labelled marker for a demo action on the page's charts.
    void mark(const QString& what);

    DemoControl* control_;
    DemoStatus last_;
    bool available_ = false;
    bool settings_taken_ = false;
    bool action_pending_ = false;

    QSlider* rate_slider_;
    QSpinBox* rate_spin_;
    QSpinBox* payload_spin_;
    QDoubleSpinBox* duplicate_spin_;
    QDoubleSpinBox* malformed_spin_;
    QPushButton* burst_button_;
    QPushButton* pause_button_;
    QLabel* load_stats_;
    ToneLabel* database_state_;
    QPushButton* database_button_;
    QGridLayout* broker_grid_;
    struct BrokerRow {
        QLabel* name;
        ToneLabel* state;
        QPushButton* button;
    };
    std::vector<BrokerRow> broker_rows_;
    ToneLabel* action_message_;
    TimeSeriesChart* effect_chart_;
    TimeSeriesChart* queue_chart_;
    std::deque<std::pair<double, int64_t>> produced_samples_;  // (time, produced so far)
    QTimer burst_timer_;
    int burst_left_ = 0;
    int burst_seconds_ = kBurstSeconds;
};

}  // namespace spillway
