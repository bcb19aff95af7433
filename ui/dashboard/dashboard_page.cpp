#include "ui/dashboard/dashboard_page.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <array>
#include <chrono>

#include "ui/widgets/card.h"
#include "ui/charts/chart_timeline.h"
#include "ui/charts/chart_view_bar.h"
#include "ui/widgets/format.h"
#include "ui/tuning/knob_change_text.h"
#include "ui/session/knob_history_feed.h"
#include "ui/widgets/metric_tile.h"
#include "ui/dashboard/partition_lag_model.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/theme.h"
#include "ui/charts/time_series_chart.h"

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

using Kind = TimeSeriesChart::SeriesKind;
using Axis = TimeSeriesChart::Axis;

TimeSeriesChart* make_chart(const QString& title, const char* name, ValueFormat format,
                            QWidget* parent) {
    auto* chart = new TimeSeriesChart(title, QLatin1String(name), parent);
    chart->setObjectName(QStringLiteral("card_") + QLatin1String(name).mid(int(qstrlen("chart_"))));
    chart->setValueFormat(format);
    return chart;
}

}  // namespace

DashboardPage::DashboardPage(SnapshotFeed* feed, KnobHistoryFeed* knob_history, QWidget* parent)
    : QWidget(parent),
      knob_history_(knob_history),
      timeline_(new ChartTimeline(this)),
      view_bar_(new ChartViewBar(timeline_, this)),
      lag_model_(new PartitionLagModel(this)) {
    setObjectName(QStringLiteral("page_dashboard"));
    setWindowTitle(tr("Dashboard"));
    // Takes the focus so the view shortcuts (Space, 1-4, Esc) work once the page is shown.
    setFocusPolicy(Qt::StrongFocus);
    view_bar_->installShortcuts(this);

    auto* content = new QWidget;
    content->setObjectName(QStringLiteral("dashboard_content"));
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);
    layout->addWidget(view_bar_);
    auto* top_row = new QHBoxLayout;
    top_row->setSpacing(10);
    auto* tiles = new QGridLayout;
    tiles->setSpacing(10);
    top_row->addLayout(tiles, 5);
    top_row->addWidget(build_partition_card(), 1);
    layout->addLayout(top_row);
    auto* charts = new QGridLayout;
    charts->setSpacing(10);
    layout->addLayout(charts, 1);

    build_tiles();
    constexpr int kTileColumns = 6;
    const std::array<MetricTile*, 12> tile_order{
        state_, events_in_,     events_out_, queue_,     writers_,  compression_,
        lag_,   dead_lettered_, duplicates_, batch_p99_, e2e_p99_,  commits_};
    for (size_t index = 0; index < tile_order.size(); ++index)
        tiles->addWidget(tile_order[index], int(index / kTileColumns), int(index % kTileColumns));
    for (int column = 0; column < kTileColumns; ++column)
        tiles->setColumnStretch(column, 1);

    // Related charts share a column or a row: the queue in events beside the queue in bytes,
    // the two latencies one above the other.
    build_charts();
    charts->addWidget(throughput_chart_, 0, 0);
    charts->addWidget(lag_chart_, 0, 1);
    charts->addWidget(batch_latency_chart_, 0, 2);
    charts->addWidget(queue_chart_, 1, 0);
    charts->addWidget(queue_bytes_chart_, 1, 1);
    charts->addWidget(e2e_latency_chart_, 1, 2);
    TimeSeriesChart::alignTimeAxes({throughput_chart_, queue_chart_});
    TimeSeriesChart::alignTimeAxes({lag_chart_, queue_bytes_chart_});
    TimeSeriesChart::alignTimeAxes({batch_latency_chart_, e2e_latency_chart_});
    for (int column = 0; column < 3; ++column)
        charts->setColumnStretch(column, 1);
    for (int row = 0; row < 2; ++row)
        charts->setRowStretch(row, 1);

    // On a small screen the page scrolls rather than squeezing the charts illegible.
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("dashboard_scroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* page_layout = new QVBoxLayout(this);
    page_layout->setContentsMargins(0, 0, 0, 0);
    page_layout->addWidget(scroll);

    connect(feed, &SnapshotFeed::updated, this,
            [this](const std::shared_ptr<const Snapshot>& snapshot) { showSnapshot(*snapshot); });
    if (knob_history_) {
        connect(knob_history_, &KnobHistoryFeed::appended, this, &DashboardPage::add_markers);
        connect(knob_history_, &KnobHistoryFeed::reset, this, &DashboardPage::reset_markers);
        reset_markers();
    }
}

void DashboardPage::build_tiles() {
    const auto add_tile = [this](const char* name, const QString& caption) {
        auto* tile = new MetricTile(caption, this);
        tile->setObjectName(QLatin1String(name));
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
    compression_ = add_tile("tile_compression", tr("Compression"));
    commits_ = add_tile("tile_commits", tr("Offsets committed"));
}

void DashboardPage::build_charts() {
    throughput_chart_ =
        make_chart(tr("Throughput · events/s"), "chart_throughput", ValueFormat::Count, this);
    throughput_chart_->addSeries(tr("Consumed"), theme::series_in, Kind::Line);
    throughput_chart_->addSeries(tr("Written"), theme::series_out, Kind::Line);
    throughput_chart_->addSeries(tr("Dead-lettered"), theme::series_dead, Kind::Line);

    lag_chart_ =
        make_chart(tr("Consumer lag · all partitions"), "chart_lag", ValueFormat::Count, this);
    lag_chart_->setValueFormat(ValueFormat::Seconds, Axis::Right);
    lag_chart_->addSeries(tr("Messages (left)"), theme::series_lag, Kind::Area);
    lag_chart_->addSeries(tr("Oldest, seconds (right)"), theme::series_lag_seconds, Kind::Line,
                          Axis::Right);

    queue_chart_ = make_chart(tr("Queue depth · events"), "chart_queue", ValueFormat::Count, this);
    queue_chart_->addSeries(tr("Queued"), theme::series_queue, Kind::Area);
    queue_chart_->addSeries(tr("Capacity"), theme::series_capacity, Kind::Limit);
    queue_chart_->addSeries(tr("High watermark"), theme::series_watermark, Kind::DashedLimit);
    queue_chart_->addSeries(tr("Low watermark"), theme::series_low_watermark, Kind::DashedLimit);

    queue_bytes_chart_ =
        make_chart(tr("Queue depth · bytes"), "chart_queue_bytes", ValueFormat::Bytes, this);
    queue_bytes_chart_->addSeries(tr("Queued"), theme::series_bytes, Kind::Area);
    queue_bytes_chart_->addSeries(tr("Capacity"), theme::series_capacity, Kind::Limit);
    queue_bytes_chart_->addSeries(tr("High watermark"), theme::series_watermark, Kind::DashedLimit);
    queue_bytes_chart_->addSeries(tr("Low watermark"), theme::series_low_watermark,
                                  Kind::DashedLimit);

    const auto add_percentiles = [](TimeSeriesChart* chart) {
        chart->addSeries(QStringLiteral("p50"), theme::series_p50, Kind::Line);
        chart->addSeries(QStringLiteral("p95"), theme::series_p95, Kind::Line);
        chart->addSeries(QStringLiteral("p99"), theme::series_p99, Kind::Line);
    };
    batch_latency_chart_ = make_chart(tr("Batch write latency · recent"), "chart_batch_latency",
                                      ValueFormat::Milliseconds, this);
    add_percentiles(batch_latency_chart_);
    e2e_latency_chart_ = make_chart(tr("End-to-end latency · queue entry to commit"),
                                    "chart_e2e_latency", ValueFormat::Milliseconds, this);
    add_percentiles(e2e_latency_chart_);

    for (TimeSeriesChart* chart : {throughput_chart_, lag_chart_, queue_chart_, queue_bytes_chart_,
                                   batch_latency_chart_, e2e_latency_chart_})
        timeline_->addChart(chart);
}

QWidget* DashboardPage::build_partition_card() {
    auto* card = new Card(this);
    card->setObjectName(QStringLiteral("card_partition_lag"));
    auto* title = new QLabel(tr("Lag by partition"), card);
    QFont title_font = title->font();
    title_font.setWeight(QFont::DemiBold);
    title->setFont(title_font);

    auto* sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(lag_model_);
    sorted->setSortRole(PartitionLagModel::ValueRole);
    auto* table = new QTableView(card);
    table->setObjectName(QStringLiteral("table_partition_lag"));
    table->setModel(sorted);
    table->setSortingEnabled(true);
    table->sortByColumn(PartitionLagModel::Partition, Qt::AscendingOrder);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(PartitionLagModel::Partition,
                                                    QHeaderView::ResizeToContents);
    table->horizontalHeader()->setHighlightSections(false);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setFrameShape(QFrame::NoFrame);
    // The card is as tall as the tiles beside it; more partitions scroll.
    table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Ignored);
    table->setMinimumSize(220, 60);
    // Offsets are in each row's tooltip: the columns that matter at a glance get the width.
    table->setColumnHidden(PartitionLagModel::Committed, true);
    table->setColumnHidden(PartitionLagModel::LogEnd, true);

    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(title);
    layout->addWidget(table, 1);
    return card;
}

void DashboardPage::showSnapshot(const Snapshot& snapshot) {
    update_tiles(snapshot);
    update_charts(snapshot);
    lag_model_->setPartitions(snapshot.partitions);
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
    writers_->setDetail(tr("%1 batches").arg(format_count(s.batches)));
    writers_->setToolTip(tr("Writers busy / running; batches written so far"));

    lag_->setValue(format_count(s.total_lag_messages));
    lag_->setDetail(s.max_lag_seconds > 0
                        ? tr("messages · oldest %1").arg(format_seconds(s.max_lag_seconds))
                        : tr("messages behind the log end"));

    // Not coloured: dead-lettering malformed input is the pipeline doing its job, not a fault.
    dead_lettered_->setValue(format_count(s.dead_lettered));
    dead_lettered_->setDetail(tr("%1 now").arg(format_rate(s.dead_lettered_per_s)));
    duplicates_->setValue(format_count(s.duplicates));
    duplicates_->setDetail(s.dedup_saved_bytes > 0
                               ? tr("%1 not stored")
                                     .arg(format_bytes(double(s.dedup_saved_bytes)))
                               : tr("event ids already stored"));

    // Payload bytes as received over the bytes stored (jsonb's own size, or the zstd frames).
    if (s.compression_ratio > 0) {
        compression_->setValue(QStringLiteral("%1×").arg(s.compression_ratio, 0, 'f', 2));
        compression_->setDetail(tr("%1 · %2 stored")
                                    .arg(QString::fromStdString(s.payload_format),
                                         format_bytes(double(s.payload_stored_bytes))));
        compression_->setToolTip(tr("Payload bytes as received (%1) over bytes as stored (%2)")
                                     .arg(format_bytes(double(s.payload_raw_bytes)),
                                          format_bytes(double(s.payload_stored_bytes))));
    } else {
        compression_->setValue(QStringLiteral("–"));
        compression_->setDetail(s.payload_format.empty()
                                    ? tr("nothing stored yet")
                                    : tr("%1 · nothing stored yet")
                                          .arg(QString::fromStdString(s.payload_format)));
    }

    commits_->setValue(format_count(s.commits),
                       s.commit_failures > 0 ? theme::Tone::Warning : theme::Tone::Neutral);
    commits_->setDetail(s.commit_failures > 0
                            ? tr("%1 refused (retried)").arg(format_count(s.commit_failures))
                            : tr("once data is stored"));

    batch_p99_->setValue(format_ms(s.batch_p99_ms));
    batch_p99_->setDetail(
        tr("p50 %1 · p95 %2").arg(format_ms(s.batch_p50_ms), format_ms(s.batch_p95_ms)));
    // The headline is the true figure, from the Kafka message timestamp to the commit; messages
    // without timestamps leave only queue entry to commit, shown as it was.
    if (s.true_e2e_p99_ms > 0) {
        e2e_p99_->setValue(format_ms(s.true_e2e_p99_ms));
        e2e_p99_->setDetail(tr("p50 %1 · queue→commit p99 %2")
                                .arg(format_ms(s.true_e2e_p50_ms), format_ms(s.e2e_p99_ms)));
    } else {
        e2e_p99_->setValue(format_ms(s.e2e_p99_ms));
        e2e_p99_->setDetail(
            tr("p50 %1 · p95 %2").arg(format_ms(s.e2e_p50_ms), format_ms(s.e2e_p95_ms)));
    }
}

void DashboardPage::update_charts(const Snapshot& s) {
    // The engine's first snapshot is a blank placeholder with no time; it has nothing to plot.
    if (s.taken_at.time_since_epoch().count() == 0)
        return;
    const double at = seconds_since_epoch(s.taken_at);
    const double capacity = double(s.queue_capacity_events);
    const double capacity_bytes = double(s.queue_capacity_bytes);
    throughput_chart_->append(at, {s.consumed_per_s, s.written_per_s, s.dead_lettered_per_s});
    lag_chart_->append(at, {double(s.total_lag_messages), s.max_lag_seconds});
    queue_chart_->append(at, {double(s.queue_events), capacity, capacity * s.knobs.high_watermark,
                              capacity * s.knobs.low_watermark});
    queue_bytes_chart_->append(
        at, {double(s.queue_bytes), capacity_bytes, capacity_bytes * s.knobs.high_watermark,
             capacity_bytes * s.knobs.low_watermark});
    batch_latency_chart_->append(at, {s.batch_p50_ms, s.batch_p95_ms, s.batch_p99_ms});
    e2e_latency_chart_->append(at, {s.e2e_p50_ms, s.e2e_p95_ms, s.e2e_p99_ms});
    timeline_->refresh();
}

void DashboardPage::add_markers(int first) {
    const auto& changes = knob_history_->changes();
    for (size_t index = size_t(first); index < changes.size(); ++index) {
        const KnobChange& change = changes[index];
        const double at = seconds_since_epoch(change.at);
        const QString label = describe_knob_change(change.before, change.after);
        const QString origin =
            change.origin.empty() ? tr("unknown origin") : QString::fromStdString(change.origin);
        const QString detail = tr("%1 · %2\n%3").arg(format_clock(at), origin, label);
        for (TimeSeriesChart* chart : timeline_->charts())
            chart->addMarker(at, label, detail);
    }
    // Lays the new labels out now, also when the view is paused.
    for (TimeSeriesChart* chart : timeline_->charts())
        chart->refresh();
}

void DashboardPage::reset_markers() {
    for (TimeSeriesChart* chart : timeline_->charts())
        chart->clearMarkers();
    add_markers(0);
}

}  // namespace spillway
