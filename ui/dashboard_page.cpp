#include "ui/dashboard_page.h"

#include <QGridLayout>
#include <QVBoxLayout>
#include <chrono>

#include "ui/format.h"
#include "ui/metric_tile.h"
#include "ui/snapshot_feed.h"
#include "ui/theme.h"
#include "ui/time_series_chart.h"

namespace spillway {

namespace {

// The engine's state is "running", "draining", ... or "failed: <why>"; the tile shows the word and
// leaves the reason to the detail line.
QString state_word(const std::string& state) {
    const auto colon = state.find(':');
    const std::string word = state.substr(0, colon);
    return word.empty() ? QObject::tr("waiting") : QString::fromStdString(word);
}

theme::Tone state_tone(const Snapshot& snapshot) {
    const QString word = state_word(snapshot.state);
    if (word == QLatin1String("failed"))
        return theme::Tone::Bad;
    if (word == QLatin1String("running"))
        return snapshot.database_available ? theme::Tone::Good : theme::Tone::Warning;
    if (word == QLatin1String("starting") || word == QLatin1String("draining"))
        return theme::Tone::Warning;
    return theme::Tone::Neutral;
}

double seconds_since_epoch(std::chrono::system_clock::time_point at) {
    return std::chrono::duration<double>(at.time_since_epoch()).count();
}

}  // namespace

DashboardPage::DashboardPage(SnapshotFeed* feed, QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("page_dashboard"));
    auto* tiles = new QGridLayout;
    tiles->setSpacing(10);
    const auto add_tile = [&](const char* name, const QString& caption) {
        auto* tile = new MetricTile(caption, this);
        tile->setObjectName(QLatin1String(name));
        const int index = tiles->count();
        tiles->addWidget(tile, index / 5, index % 5);
        return tile;
    };
    state_ = add_tile("tile_state", tr("State"));
    events_in_ = add_tile("tile_events_in", tr("Events in"));
    events_out_ = add_tile("tile_events_out", tr("Events out"));
    queue_ = add_tile("tile_queue", tr("Queue"));
    writers_ = add_tile("tile_writers", tr("Writers busy"));
    lag_ = add_tile("tile_lag", tr("Consumer lag"));
    dead_lettered_ = add_tile("tile_dead_lettered", tr("Dead-lettered"));
    duplicates_ = add_tile("tile_duplicates", tr("Duplicates dropped"));
    batch_p99_ = add_tile("tile_batch_p99", tr("Batch write p99"));
    e2e_p99_ = add_tile("tile_e2e_p99", tr("End-to-end p99"));
    for (int column = 0; column < 5; ++column)
        tiles->setColumnStretch(column, 1);

    throughput_chart_ = new TimeSeriesChart(tr("Throughput · events/s · last 5 minutes"),
                                            QStringLiteral("chart_throughput"), this);
    throughput_chart_->setObjectName(QStringLiteral("card_throughput"));
    throughput_chart_->addSeries(tr("In (consumed)"), theme::series_in,
                                 TimeSeriesChart::SeriesKind::Line);
    throughput_chart_->addSeries(tr("Out (written)"), theme::series_out,
                                 TimeSeriesChart::SeriesKind::Line);
    throughput_chart_->addSeries(tr("Dead-lettered"), theme::series_dead,
                                 TimeSeriesChart::SeriesKind::Line);

    queue_chart_ = new TimeSeriesChart(tr("Queue depth · events · last 5 minutes"),
                                       QStringLiteral("chart_queue"), this);
    queue_chart_->setObjectName(QStringLiteral("card_queue"));
    queue_chart_->addSeries(tr("Queued"), theme::series_queue, TimeSeriesChart::SeriesKind::Area);
    queue_chart_->addSeries(tr("Capacity"), theme::series_capacity,
                            TimeSeriesChart::SeriesKind::Limit);
    queue_chart_->addSeries(tr("High watermark (intake pauses)"), theme::series_watermark,
                            TimeSeriesChart::SeriesKind::DashedLimit);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 12);
    layout->setSpacing(12);
    layout->addLayout(tiles);
    layout->addWidget(throughput_chart_, 1);
    layout->addWidget(queue_chart_, 1);

    connect(feed, &SnapshotFeed::updated, this,
            [this](const std::shared_ptr<const Snapshot>& snapshot) { showSnapshot(*snapshot); });
}

void DashboardPage::showSnapshot(const Snapshot& snapshot) {
    update_tiles(snapshot);
    update_charts(snapshot);
}

void DashboardPage::update_tiles(const Snapshot& s) {
    state_->setValue(state_word(s.state), state_tone(s));
    if (const auto colon = s.state.find(':'); colon != std::string::npos)
        state_->setDetail(QString::fromStdString(s.state.substr(colon + 1)).trimmed());
    else if (!s.database_available)
        state_->setDetail(tr("database unavailable, retrying"));
    else
        state_->setDetail(tr("up %1").arg(format_uptime(s.uptime_s)));

    events_in_->setValue(format_rate(s.consumed_per_s));
    events_in_->setDetail(tr("%1 consumed").arg(format_count(s.consumed)));
    events_out_->setValue(format_rate(s.written_per_s));
    events_out_->setDetail(tr("%1 written").arg(format_count(s.written)));

    const size_t capacity = s.queue_capacity_events;
    const double fill = capacity > 0 ? double(s.queue_events) / double(capacity) : 0.0;
    const bool above_watermark = capacity > 0 && fill >= s.knobs.high_watermark;
    queue_->setValue(format_count(int64_t(s.queue_events)), s.source_paused || above_watermark
                                                                ? theme::Tone::Warning
                                                                : theme::Tone::Neutral);
    QString queue_detail =
        tr("%1 of %2").arg(format_percent(fill), format_count(int64_t(capacity)));
    if (s.source_paused)
        queue_detail += tr(" · intake paused");
    queue_->setDetail(queue_detail);

    writers_->setValue(QStringLiteral("%1 / %2").arg(s.writers_busy).arg(s.writers_running));
    writers_->setDetail(tr("busy / running · %1 batches").arg(format_count(s.batches)));

    lag_->setValue(format_count(s.total_lag_messages));
    lag_->setDetail(s.max_lag_seconds > 0
                        ? tr("messages · oldest %1 behind").arg(format_seconds(s.max_lag_seconds))
                        : tr("messages behind the log end"));

    // Not coloured: dead-lettering malformed input is the pipeline doing its job, not a fault.
    dead_lettered_->setValue(format_count(s.dead_lettered));
    dead_lettered_->setDetail(tr("%1 now").arg(format_rate(s.dead_lettered_per_s)));
    duplicates_->setValue(format_count(s.duplicates));
    duplicates_->setDetail(tr("event ids already stored"));

    batch_p99_->setValue(format_ms(s.batch_p99_ms));
    batch_p99_->setDetail(
        tr("p50 %1 · p95 %2").arg(format_ms(s.batch_p50_ms), format_ms(s.batch_p95_ms)));
    e2e_p99_->setValue(format_ms(s.e2e_p99_ms));
    e2e_p99_->setDetail(
        tr("p50 %1 · p95 %2").arg(format_ms(s.e2e_p50_ms), format_ms(s.e2e_p95_ms)));
}

void DashboardPage::update_charts(const Snapshot& s) {
    // The engine's first snapshot is a blank placeholder with no time; it has nothing to plot.
    if (s.taken_at.time_since_epoch().count() == 0)
        return;
    const double at = seconds_since_epoch(s.taken_at);
    const double capacity = double(s.queue_capacity_events);
    throughput_chart_->append(at, {s.consumed_per_s, s.written_per_s, s.dead_lettered_per_s});
    queue_chart_->append(at, {double(s.queue_events), capacity, capacity * s.knobs.high_watermark});
    throughput_chart_->refresh();
    queue_chart_->refresh();
}

}  // namespace spillway
