#include "ui/storage/storage_page.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <array>
#include <tuple>

#include "ui/charts/bar_chart_card.h"
#include "ui/widgets/card.h"
#include "ui/widgets/format.h"
#include "ui/widgets/metric_tile.h"
#include "ui/charts/money_format.h"
#include "ui/charts/plot_style.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/theme.h"
#include "ui/session/tier_control.h"
#include "ui/storage/tier_move_model.h"
#include "ui/storage/tier_partition_model.h"
#include "ui/storage/tier_policy_form.h"
#include "ui/charts/time_series_chart.h"
#include "ui/widgets/tone_label.h"

namespace spillway {

namespace {

using Kind = TimeSeriesChart::SeriesKind;

constexpr int kPollMs = 1000;

QColor hot_color(const QPalette& palette) {
    return theme::series_watermark(palette);
}
QColor cold_color(const QPalette& palette) {
    return theme::series_in(palette);
}

// A card with a title over one table; the storage page has two.
Card* table_card(const QString& title, const char* name, QTableView* table, QWidget* parent) {
    auto* card = new Card(parent);
    card->setObjectName(QLatin1String(name));
    auto* heading = new QLabel(title, card);
    style_chart_title(heading, card->palette());
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setFrameShape(QFrame::NoFrame);
    table->setMinimumHeight(90);
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(heading);
    layout->addWidget(table, 1);
    return card;
}

double saved_share(double factor) {
    return factor > 1 ? 1.0 - 1.0 / factor : 0.0;
}

}  // namespace

StoragePage::StoragePage(SnapshotFeed* feed, TierControl* control, QWidget* parent)
    : QWidget(parent),
      feed_(feed),
      control_(control),
      poll_timer_(new QTimer(this)),
      partition_model_(new TierPartitionModel(this)),
      move_model_(new TierMoveModel(this)) {
    setObjectName(QStringLiteral("page_storage"));
    setWindowTitle(tr("Storage"));

    auto* content = new QWidget;
    content->setObjectName(QStringLiteral("storage_content"));
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);

    status_ = new ToneLabel(QString(), ToneLabel::Role::Muted, content);
    status_->setObjectName(QStringLiteral("tiering_status"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    build_tiles();
    auto* tiles = new QHBoxLayout;
    tiles->setSpacing(10);
    for (MetricTile* tile : {hot_, cold_, cost_now_, cost_30_, compression_, dedup_})
        tiles->addWidget(tile, 1);
    layout->addLayout(tiles);

    // Charts over time and money in the first row; the split beside the partitions it sums up
    // and the policy that moves them in the second; the moves below.
    build_charts();
    auto* grid = new QGridLayout;
    grid->setSpacing(10);
    grid->addWidget(tier_bytes_chart_, 0, 0);
    grid->addWidget(savings_chart_, 0, 1);
    grid->addWidget(cost_chart_, 0, 2);
    grid->addWidget(split_chart_, 1, 0);
    grid->addWidget(build_partition_card(), 1, 1);
    grid->addWidget(build_policy_card(), 1, 2);
    grid->addWidget(build_moves_card(), 2, 0, 1, 3);
    TimeSeriesChart::alignTimeAxes({tier_bytes_chart_, savings_chart_});
    // The middle column holds the partitions table, which needs the width most.
    grid->setColumnStretch(0, 10);
    grid->setColumnStretch(1, 13);
    grid->setColumnStretch(2, 10);
    grid->setRowMinimumHeight(0, 220);
    grid->setRowMinimumHeight(1, 250);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 3);
    grid->setRowStretch(2, 2);
    layout->addLayout(grid, 1);

    // On a small screen the page scrolls rather than squeezing the charts illegible.
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("storage_scroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* page_layout = new QVBoxLayout(this);
    page_layout->setContentsMargins(0, 0, 0, 0);
    page_layout->addWidget(scroll);

    policy_form_->setPolicyEditable(false);
    status_->setText(control_ ? tr("Waiting for the tiering job's first look…")
                              : tr("No cold tier: start Spillway with --archive-dir DIR (the demo "
                                   "uses a private directory) to archive old partitions."));
    recompute_cost();
    connect(poll_timer_, &QTimer::timeout, this, &StoragePage::poll);
    poll_timer_->start(kPollMs);
}

void StoragePage::build_tiles() {
    const std::array<std::tuple<MetricTile**, const char*, QString>, 6> tiles{{
        {&hot_, "tile_hot", tr("Hot tier · PostgreSQL")},
        {&cold_, "tile_cold", tr("Cold tier · archive")},
        {&cost_now_, "tile_cost_now", tr("Storage cost per month")},
        {&cost_30_, "tile_cost_30", tr("Per month in 30 days")},
        {&compression_, "tile_compression", tr("Saved by compression")},
        {&dedup_, "tile_dedup", tr("Saved by dedup")},
    }};
    for (const auto& [tile, name, caption] : tiles) {
        *tile = new MetricTile(caption, this);
        (*tile)->setObjectName(QLatin1String(name));
    }
}

void StoragePage::build_charts() {
    tier_bytes_chart_ = new TimeSeriesChart(tr("Bytes per tier · stacked"),
                                            QStringLiteral("chart_tier_bytes"), this);
    tier_bytes_chart_->setObjectName(QStringLiteral("card_tier_bytes"));
    tier_bytes_chart_->setValueFormat(ValueFormat::Bytes);
    // Stacked: the cold area is drawn from zero to hot + cold, the hot area over it.
    tier_bytes_chart_->addSeries(tr("Cold (on top of hot)"), cold_color, Kind::Area);
    tier_bytes_chart_->addSeries(tr("Hot"), hot_color, Kind::Area);
    // The cold area fills only the band between the total and the hot line, so the two stack
    // instead of overlapping.
    tier_bytes_chart_->series(0)->setChannelFillGraph(tier_bytes_chart_->series(1));

    savings_chart_ = new TimeSeriesChart(tr("Savings · share of bytes not stored"),
                                         QStringLiteral("chart_savings"), this);
    savings_chart_->setObjectName(QStringLiteral("card_savings"));
    savings_chart_->setValueFormat(ValueFormat::Percent);
    savings_chart_->addSeries(tr("Compression"), theme::series_queue, Kind::Line);
    savings_chart_->addSeries(tr("Dedup"), theme::series_lag_seconds, Kind::Line);
    savings_chart_->addSeries(tr("Archive vs PostgreSQL"), theme::series_out, Kind::Line);

    const QStringList horizons{tr("Now"), tr("30 days"), tr("90 days"), tr("365 days")};
    split_chart_ = new BarChartCard(tr("Bytes by tier · now and projected"),
                                    QStringLiteral("chart_tier_split"), this);
    split_chart_->setObjectName(QStringLiteral("card_tier_split"));
    split_chart_->setCategories(horizons);
    split_chart_->setValueTicker(make_value_ticker(ValueFormat::Bytes));
    split_chart_->addSeries(tr("Hot"), hot_color);
    split_chart_->addSeries(tr("Cold"), cold_color);

    cost_chart_ = new BarChartCard(tr("Monthly storage cost · now and projected, with what-ifs"),
                                   QStringLiteral("chart_cost"), this);
    cost_chart_->setObjectName(QStringLiteral("card_cost"));
    cost_chart_->setCategories(horizons);
    cost_chart_->setValueTicker(make_money_ticker());
    cost_chart_->addSeries(tr("Actual"), theme::series_out);
    cost_chart_->addSeries(tr("No compression"), theme::series_queue);
    cost_chart_->addSeries(tr("No dedup"), theme::series_lag_seconds);
    cost_chart_->addSeries(tr("No tiering"), theme::series_watermark);
}

QWidget* StoragePage::build_partition_card() {
    partition_table_ = new QTableView(this);
    partition_table_->setObjectName(QStringLiteral("table_tier_partitions"));
    partition_table_->setModel(partition_model_);
    partition_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    partition_table_->setSelectionMode(QAbstractItemView::SingleSelection);
    auto* card = table_card(tr("Partitions"), "card_tier_partitions", partition_table_, this);
    partition_table_->horizontalHeader()->setStretchLastSection(false);
    partition_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    partition_table_->horizontalHeader()->setSectionResizeMode(TierPartitionModel::Name,
                                                               QHeaderView::Stretch);

    archive_button_ = new QPushButton(tr("Archive now"), card);
    archive_button_->setObjectName(QStringLiteral("partition_archive"));
    archive_button_->setToolTip(
        tr("Export the selected hot partition to the cold tier now, whatever its age"));
    restore_button_ = new QPushButton(tr("Restore"), card);
    restore_button_->setObjectName(QStringLiteral("partition_restore"));
    restore_button_->setToolTip(tr("Bring the selected cold partition back into PostgreSQL"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(archive_button_);
    buttons->addWidget(restore_button_);
    buttons->addStretch(1);
    static_cast<QVBoxLayout*>(card->layout())->addLayout(buttons);

    const auto selected = [this]() -> const TierPartition* {
        const auto rows = partition_table_->selectionModel()->selectedRows();
        return rows.isEmpty() ? nullptr : partition_model_->partitionAt(rows.first().row());
    };
    connect(archive_button_, &QPushButton::clicked, this, [this, selected] {
        if (const TierPartition* partition = selected(); partition && control_) {
            control_->archive_partition(partition->name);
            status_->setText(tr("Archiving %1…").arg(QString::fromStdString(partition->name)));
        }
    });
    connect(restore_button_, &QPushButton::clicked, this, [this, selected] {
        if (const TierPartition* partition = selected(); partition && control_) {
            control_->restore_partition(partition->name);
            status_->setText(tr("Restoring %1…").arg(QString::fromStdString(partition->name)));
        }
    });
    connect(partition_table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &StoragePage::update_actions);
    connect(partition_model_, &QAbstractItemModel::modelReset, this, &StoragePage::update_actions);
    update_actions();
    return card;
}

QWidget* StoragePage::build_moves_card() {
    auto* table = new QTableView(this);
    table->setObjectName(QStringLiteral("table_tier_moves"));
    table->setModel(move_model_);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    auto* card = table_card(tr("Latest moves"), "card_tier_moves", table, this);
    table->horizontalHeader()->setStretchLastSection(false);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(TierMoveModel::Partition, QHeaderView::Stretch);
    return card;
}

QWidget* StoragePage::build_policy_card() {
    auto* card = new Card(this);
    card->setObjectName(QStringLiteral("card_tier_policy"));
    auto* heading = new QLabel(tr("Tiering policy and prices"), card);
    style_chart_title(heading, card->palette());
    policy_form_ = new TierPolicyForm(card);
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(heading);
    layout->addWidget(policy_form_);
    layout->addStretch(1);
    connect(policy_form_, &TierPolicyForm::policyApplied, this, [this](const TierPolicy& policy) {
        if (control_)
            control_->set_tier_policy(policy);
    });
    connect(policy_form_, &TierPolicyForm::runNowRequested, this, [this] {
        if (control_) {
            control_->run_tiering_now();
            status_->setText(tr("Running the tiering job…"));
        }
    });
    connect(policy_form_, &TierPolicyForm::pricesChanged, this, [this] {
        recompute_cost();
        update_tiles(tiers_, ingest_);
    });
    return card;
}

void StoragePage::poll() {
    if (!control_)
        return;
    const auto latest = control_->tier_snapshot();
    if (!latest || latest == shown_)
        return;
    // The prices the run was started with, once it has started.
    if (!shown_)
        policy_form_->setPrices(control_->tier_prices());
    shown_ = latest;
    const auto engine = feed_ ? feed_->latest() : nullptr;
    showFigures(*latest, engine ? ingest_figures(*engine) : ingest_);
}

void StoragePage::showFigures(const TierSnapshot& tiers, const IngestFigures& ingest) {
    tiers_ = tiers;
    ingest_ = ingest;
    policy_form_->setPolicyEditable(control_ != nullptr && tiers.available);
    policy_form_->showPolicy(tiers.policy);
    recompute_cost();
    update_tiles(tiers, ingest);
    update_charts(tiers, ingest);
    update_status(tiers);
    partition_model_->setPartitions(tiers.partitions);
    move_model_->setMoves(tiers.moves);
    update_actions();
}

void StoragePage::recompute_cost() {
    cost_ = cost_report(cost_inputs(tiers_, ingest_), policy_form_->prices());
    const auto points = [](const CostScenario& scenario) {
        QVector<double> values{scenario.now.monthly_cost};
        for (const CostPoint& point : scenario.projected)
            values.push_back(point.monthly_cost);
        return values;
    };
    cost_chart_->setValues(0, points(cost_.actual));
    for (size_t index = 0; index < cost_.what_if.size(); ++index)
        cost_chart_->setValues(int(index) + 1, points(cost_.what_if[index]));
    cost_chart_->refresh();
    QVector<double> hot{cost_.actual.now.hot_bytes}, cold{cost_.actual.now.cold_bytes};
    for (const CostPoint& point : cost_.actual.projected) {
        hot.push_back(point.hot_bytes);
        cold.push_back(point.cold_bytes);
    }
    split_chart_->setValues(0, hot);
    split_chart_->setValues(1, cold);
    split_chart_->refresh();
}

void StoragePage::update_tiles(const TierSnapshot& tiers, const IngestFigures& ingest) {
    size_t hot_partitions = 0, cold_partitions = 0;
    for (const TierPartition& partition : tiers.partitions)
        ++(partition.tier == Tier::Hot ? hot_partitions : cold_partitions);
    const double total = double(tiers.hot_bytes + tiers.cold_bytes);
    hot_->setValue(format_bytes(double(tiers.hot_bytes)));
    hot_->setDetail(tr("%1 of bytes · %2 rows")
                        .arg(format_percent(total > 0 ? double(tiers.hot_bytes) / total : 0),
                             format_count(tiers.hot_rows)));
    cold_->setValue(format_bytes(double(tiers.cold_bytes)));
    cold_->setDetail((cold_partitions == 1 ? tr("1 file") : tr("%1 files").arg(cold_partitions)) +
                     tr(" · %1 rows").arg(format_count(tiers.cold_rows)));
    cold_->setToolTip(tr("The archived partitions took %1 in PostgreSQL")
                          .arg(format_bytes(double(tiers.cold_hot_bytes))));
    hot_->setToolTip(tr("%1 partitions in PostgreSQL").arg(hot_partitions));
    const TierPrices prices = policy_form_->prices();
    cost_now_->setValue(format_money(cost_.actual.now.monthly_cost));
    cost_now_->setDetail(
        tr("%1 / %2 per GiB")
            .arg(format_money(prices.hot_per_gib_month), format_money(prices.cold_per_gib_month)));
    if (!cost_.actual.projected.empty()) {
        const double actual = cost_.actual.projected[0].monthly_cost;
        cost_30_->setValue(format_money(actual));
        QStringList what_if;
        for (const CostScenario& scenario : cost_.what_if)
            what_if << tr("%1 %2").arg(QString::fromStdString(scenario.name),
                                       format_money(scenario.projected[0].monthly_cost));
        cost_30_->setDetail(tr("at the current rate"));
        cost_30_->setToolTip(what_if.join(QStringLiteral("\n")));
    }
    compression_->setValue(format_percent(saved_share(ingest.compression_factor)));
    compression_->setDetail(
        ingest.compression_factor > 1
            ? tr("payloads %1× smaller").arg(ingest.compression_factor, 0, 'f', 2)
            : tr("payloads stored as sent"));
    dedup_->setValue(format_percent(saved_share(ingest.dedup_factor)));
    dedup_->setDetail(tr("duplicates not stored"));
}

void StoragePage::update_charts(const TierSnapshot& tiers, const IngestFigures& ingest) {
    if (tiers.taken_at.time_since_epoch().count() == 0)
        return;
    const double at = std::chrono::duration<double>(tiers.taken_at.time_since_epoch()).count();
    tier_bytes_chart_->append(
        at, {double(tiers.hot_bytes + tiers.cold_bytes), double(tiers.hot_bytes)});
    const double archive_saved = tiers.cold_hot_bytes > 0
                                     ? 1.0 - double(tiers.cold_bytes) / double(tiers.cold_hot_bytes)
                                     : 0;
    savings_chart_->append(at, {100 * saved_share(ingest.compression_factor),
                                100 * saved_share(ingest.dedup_factor), 100 * archive_saved});
    tier_bytes_chart_->refresh();
    savings_chart_->refresh();
}

void StoragePage::update_status(const TierSnapshot& tiers) {
    QStringList parts;
    if (!tiers.activity.empty() && tiers.activity != "idle")
        parts << QString::fromStdString(tiers.activity) + QStringLiteral("…");
    if (!tiers.last_outcome.empty())
        parts << tr("Last: %1").arg(QString::fromStdString(tiers.last_outcome));
    parts << tr("Partitions older than %1 days go cold%2.")
                 .arg(tiers.policy.archive_after_days)
                 .arg(tiers.policy.enabled ? QString() : tr(" (paused)"));
    if (!tiers.last_error.empty()) {
        status_->setRole(ToneLabel::Role::Bad);
        parts.prepend(tr("Problem: %1").arg(QString::fromStdString(tiers.last_error)));
    } else {
        status_->setRole(ToneLabel::Role::Muted);
    }
    status_->setText(parts.join(QStringLiteral("  ·  ")));
}

void StoragePage::update_actions() {
    const auto rows = partition_table_->selectionModel()->selectedRows();
    const TierPartition* partition =
        rows.isEmpty() ? nullptr : partition_model_->partitionAt(rows.first().row());
    const bool usable = control_ != nullptr && tiers_.available;
    archive_button_->setEnabled(usable && partition && partition->tier == Tier::Hot &&
                                !partition->range_from.empty());
    restore_button_->setEnabled(usable && partition && partition->tier == Tier::Cold);
}

}  // namespace spillway
