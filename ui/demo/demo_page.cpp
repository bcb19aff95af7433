#include "ui/demo/demo_page.h"

#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "ui/widgets/card.h"
#include "ui/widgets/format.h"
#include "ui/session/console_logging.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/theme.h"
#include "ui/charts/time_series_chart.h"
#include "ui/widgets/tone_label.h"

namespace spillway {

namespace {

// The slider is logarithmic: 10/s at the left end, 100,000/s at the right.
constexpr int kSliderSteps = 400;
double slider_to_rate(int position) {
    return std::pow(10.0, 1.0 + 4.0 * position / kSliderSteps);
}
int rate_to_slider(double rate) {
    return int(std::lround((std::log10(std::max(rate, 10.0)) - 1.0) / 4.0 * kSliderSteps));
}

QLabel* title_label(const QString& text) {
    auto* title = new QLabel(text);
    QFont font = title->font();
    font.setWeight(QFont::DemiBold);
    title->setFont(font);
    return title;
}

QLabel* muted_label(const QString& text) {
    auto* label = new ToneLabel(text, ToneLabel::Role::Muted);
    label->setWordWrap(true);
    return label;
}

// Spin boxes at a width that fits their values rather than the whole column.
template <typename Box>
Box* compact(Box* box) {
    box->setMaximumWidth(220);
    return box;
}

QDoubleSpinBox* share_spin() {
    auto* box = new QDoubleSpinBox;
    box->setRange(0, 50);
    box->setDecimals(1);
    box->setSingleStep(0.5);
    box->setSuffix(QStringLiteral(" %"));
    return box;
}

}  // namespace

DemoPage::DemoPage(SnapshotFeed* feed, DemoControl* control, QWidget* parent)
    : QWidget(parent),
      control_(control),
      rate_slider_(new QSlider(Qt::Horizontal)),
      rate_spin_(new QSpinBox),
      payload_spin_(new QSpinBox),
      duplicate_spin_(compact(share_spin())),
      malformed_spin_(compact(share_spin())),
      burst_button_(new QPushButton),
      pause_button_(new QPushButton),
      load_stats_(new QLabel),
      database_state_(new ToneLabel),
      database_button_(new QPushButton),
      broker_grid_(new QGridLayout),
      action_message_(new ToneLabel),
      effect_chart_(new TimeSeriesChart(tr("Effect on the engine · events/s, last minute"),
                                        QStringLiteral("chart_demo_effect"))),
      queue_chart_(new TimeSeriesChart(tr("Queue fill · % of capacity, last minute"),
                                       QStringLiteral("chart_demo_queue"))) {
    setObjectName(QStringLiteral("page_demo"));
    setWindowTitle(tr("Demo"));
    rate_slider_->setObjectName(QStringLiteral("slider_rate"));
    rate_spin_->setObjectName(QStringLiteral("spin_rate"));
    payload_spin_->setObjectName(QStringLiteral("spin_payload"));
    duplicate_spin_->setObjectName(QStringLiteral("spin_duplicates"));
    malformed_spin_->setObjectName(QStringLiteral("spin_malformed"));
    burst_button_->setObjectName(QStringLiteral("button_burst"));
    pause_button_->setObjectName(QStringLiteral("button_pause_load"));
    database_button_->setObjectName(QStringLiteral("button_database"));
    database_state_->setObjectName(QStringLiteral("label_database_state"));
    action_message_->setObjectName(QStringLiteral("label_demo_action"));
    load_stats_->setObjectName(QStringLiteral("label_load_stats"));

    auto* left = new QVBoxLayout;
    left->setSpacing(12);
    left->addWidget(build_load_card());
    left->addStretch(1);
    auto* right = new QVBoxLayout;
    right->setSpacing(12);
    right->addWidget(build_database_card());
    right->addWidget(build_brokers_card());
    right->addStretch(1);

    action_message_->setWordWrap(true);
    action_message_->hide();
    auto* content = new QWidget;
    auto* outer = new QVBoxLayout(content);
    outer->setContentsMargins(16, 16, 16, 12);
    outer->setSpacing(12);
    outer->addWidget(muted_label(
        tr("The embedded demo: a mock Kafka cluster, a private PostgreSQL server and a load "
           "generator on this machine. Change the load or break something, then watch the "
           "effect below or on the dashboard: backpressure, retries and recovery.")));
    outer->addWidget(action_message_);
    auto* columns = new QHBoxLayout;
    columns->setSpacing(12);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    outer->addLayout(columns);
    auto* charts = new QHBoxLayout;
    charts->setSpacing(12);
    charts->addWidget(effect_chart_, 1);
    charts->addWidget(queue_chart_, 1);
    outer->addLayout(charts, 1);
    build_effect_charts();

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* page_layout = new QVBoxLayout(this);
    page_layout->setContentsMargins(0, 0, 0, 0);
    page_layout->addWidget(scroll);

    burst_timer_.setInterval(1000);
    connect(&burst_timer_, &QTimer::timeout, this, &DemoPage::burst_tick);
    connect(feed, &SnapshotFeed::updated, this, &DemoPage::refresh);
    connect(feed, &SnapshotFeed::updated, this,
            [this](const std::shared_ptr<const Snapshot>& snapshot) { plot(*snapshot); });
    refresh();
}

QWidget* DemoPage::build_load_card() {
    auto* card = new Card;
    card->setObjectName(QStringLiteral("card_load_generator"));
    rate_slider_->setRange(0, kSliderSteps);
    rate_spin_->setRange(1, 1'000'000);
    rate_spin_->setSingleStep(1000);
    rate_spin_->setSuffix(tr(" events/s"));
    rate_spin_->setGroupSeparatorShown(true);
    rate_spin_->setMinimumWidth(150);
    compact(payload_spin_);
    payload_spin_->setRange(200, 65536);
    payload_spin_->setSingleStep(100);
    payload_spin_->setSuffix(tr(" bytes"));
    payload_spin_->setGroupSeparatorShown(true);
    burst_button_->setText(tr("Burst ×%1 for %2 s").arg(kBurstFactor).arg(kBurstSeconds));
    burst_button_->setToolTip(
        tr("Produce at %1 times the rate for %2 seconds").arg(kBurstFactor).arg(kBurstSeconds));

    pause_button_->setCheckable(true);
    pause_button_->setText(tr("Pause the load"));
    pause_button_->setToolTip(
        tr("Stop producing, to watch the engine drain its queue and the lag fall to zero"));

    auto* rate_row = new QHBoxLayout;
    rate_row->addWidget(rate_slider_, 1);
    rate_row->addWidget(rate_spin_);
    auto* form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignLeft);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Rate"), rate_row);
    form->addRow(tr("Payload size"), payload_spin_);
    form->addRow(tr("Duplicates"), duplicate_spin_);
    form->addRow(tr("Malformed"), malformed_spin_);

    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(title_label(tr("Load generator")));
    layout->addLayout(form);
    auto* load_buttons = new QHBoxLayout;
    load_buttons->addWidget(burst_button_);
    load_buttons->addWidget(pause_button_);
    load_buttons->addStretch(1);
    layout->addLayout(load_buttons);
    layout->addWidget(load_stats_);
    layout->addWidget(muted_label(
        tr("Duplicates repeat an earlier event exactly (the engine drops them by event id); "
           "malformed messages are not valid events and end up in the dead-letter table. The "
           "mock cluster keeps only about 5 MiB per partition: a burst the engine cannot keep "
           "up with ages out of the topic unread (the status bar reports it).")));

    connect(rate_slider_, &QSlider::valueChanged, this, [this](int position) {
        // Only the user's moves: setting the spin below moves the slider with signals blocked.
        rate_spin_->setValue(int(std::lround(slider_to_rate(position))));
    });
    connect(rate_spin_, &QSpinBox::valueChanged, this, [this](int rate) {
        const QSignalBlocker blocker(rate_slider_);
        rate_slider_->setValue(rate_to_slider(rate));
        send_rate();
    });
    connect(payload_spin_, &QSpinBox::valueChanged, this, [this](int bytes) {
        if (control_)
            control_->set_payload_bytes(bytes);
    });
    connect(duplicate_spin_, &QDoubleSpinBox::valueChanged, this, &DemoPage::send_shares);
    connect(malformed_spin_, &QDoubleSpinBox::valueChanged, this, &DemoPage::send_shares);
    connect(burst_button_, &QPushButton::clicked, this, &DemoPage::startBurst);
    connect(pause_button_, &QPushButton::toggled, this, [this](bool paused) {
        pause_button_->setText(paused ? tr("Resume the load") : tr("Pause the load"));
        if (control_)
            control_->set_load_paused(paused);
        mark(paused ? tr("load paused") : tr("load resumed"));
    });
    return card;
}

QWidget* DemoPage::build_database_card() {
    auto* card = new Card;
    card->setObjectName(QStringLiteral("card_demo_database"));
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("State")));
    row->addWidget(database_state_, 1);
    row->addWidget(database_button_);
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(title_label(tr("PostgreSQL (embedded)")));
    layout->addLayout(row);
    layout->addWidget(muted_label(
        tr("With the database stopped, writes fail and are retried; the queue fills to the high "
           "watermark and intake pauses, so nothing is lost. Start it again to watch the engine "
           "catch up.")));
    connect(database_button_, &QPushButton::clicked, this, &DemoPage::toggle_database);
    return card;
}

QWidget* DemoPage::build_brokers_card() {
    auto* card = new Card;
    card->setObjectName(QStringLiteral("card_demo_brokers"));
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(title_label(tr("Kafka brokers (mock cluster)")));
    broker_grid_->setHorizontalSpacing(12);
    broker_grid_->setColumnStretch(1, 1);
    layout->addLayout(broker_grid_);
    layout->addWidget(muted_label(
        tr("A broker that is down closes its connections; its partitions stop delivering until "
           "it is back. The consumer lag for those partitions grows meanwhile.")));
    return card;
}

void DemoPage::rebuild_broker_rows(size_t brokers) {
    for (BrokerRow& row : broker_rows_) {
        delete row.name;
        delete row.state;
        delete row.button;
    }
    broker_rows_.clear();
    for (size_t index = 0; index < brokers; ++index) {
        const int broker_id = int(index) + 1;
        auto* name = new QLabel(tr("Broker %1").arg(broker_id));
        auto* state = new ToneLabel;
        auto* button = new QPushButton;
        button->setObjectName(QStringLiteral("button_broker_%1").arg(broker_id));
        broker_grid_->addWidget(name, int(index), 0);
        broker_grid_->addWidget(state, int(index), 1);
        broker_grid_->addWidget(button, int(index), 2);
        connect(button, &QPushButton::clicked, this,
                [this, broker_id] { toggle_broker(broker_id); });
        broker_rows_.push_back({name, state, button});
    }
}

void DemoPage::refresh() {
    const DemoStatus status = control_ ? control_->demo_status() : DemoStatus{};
    if (status.available != available_) {
        available_ = status.available;
        settings_taken_ = false;
        emit availabilityChanged(available_);
    }
    if (!available_)
        return;
    if (!settings_taken_)
        take_settings(status);
    show_status(status);
}

void DemoPage::take_settings(const DemoStatus& s) {
    // The controls start from what the generator runs with; after that they are the truth.
    settings_taken_ = true;
    const QSignalBlocker rate_block(rate_spin_), slider_block(rate_slider_),
        payload_block(payload_spin_), duplicate_block(duplicate_spin_),
        malformed_block(malformed_spin_);
    rate_spin_->setValue(int(std::lround(s.rate_per_sec)));
    rate_slider_->setValue(rate_to_slider(s.rate_per_sec));
    payload_spin_->setValue(s.payload_bytes);
    duplicate_spin_->setValue(s.duplicate_share * 100);
    malformed_spin_->setValue(s.malformed_share * 100);
    rebuild_broker_rows(s.broker_down.size());
}

void DemoPage::show_status(const DemoStatus& s) {
    last_ = s;
    QString stats = tr("Produced %1 · delivered %2")
                        .arg(format_count(s.load.produced), format_count(s.load.delivered));
    if (s.load.delivery_failed > 0)
        stats += tr(" · %1 failed").arg(format_count(s.load.delivery_failed));
    if (s.load_paused)
        stats += tr(" · paused");
    else if (bursting())
        stats +=
            tr(" · bursting at %1 for %2 s more").arg(format_rate(s.rate_per_sec)).arg(burst_left_);
    load_stats_->setText(stats);
    burst_button_->setEnabled(!bursting() && !s.load_paused);

    const bool busy = s.busy || action_pending_;
    if (!s.database_embedded) {
        database_state_->setText(tr("not embedded (an external database is in use)"));
        database_state_->setTone(theme::Tone::Neutral);
    } else if (busy && database_button_->property("pending").toBool()) {
        database_state_->setText(s.database_running ? tr("stopping…") : tr("starting…"));
        database_state_->setTone(theme::Tone::Warning);
    } else {
        database_state_->setText(s.database_running ? tr("running") : tr("stopped"));
        database_state_->setTone(s.database_running ? theme::Tone::Good : theme::Tone::Bad);
    }
    database_button_->setText(s.database_running ? tr("Stop PostgreSQL") : tr("Start PostgreSQL"));
    database_button_->setEnabled(s.database_embedded && !busy);

    if (broker_rows_.size() != s.broker_down.size())
        rebuild_broker_rows(s.broker_down.size());
    for (size_t index = 0; index < broker_rows_.size(); ++index) {
        const bool down = s.broker_down[index];
        broker_rows_[index].state->setText(down ? tr("down") : tr("up"));
        broker_rows_[index].state->setTone(down ? theme::Tone::Bad : theme::Tone::Good);
        broker_rows_[index].button->setText(down ? tr("Bring up") : tr("Take down"));
        broker_rows_[index].button->setEnabled(!busy);
    }
}

void DemoPage::setRate(double rate_per_sec) {
    rate_spin_->setValue(int(std::lround(rate_per_sec)));
}

void DemoPage::send_rate() {
    if (!control_)
        return;
    // During a burst the new rate is where the burst will return to.
    if (!bursting())
        control_->set_load_rate(rate_spin_->value());
}

void DemoPage::send_shares() {
    if (control_)
        control_->set_shares(duplicate_spin_->value() / 100, malformed_spin_->value() / 100);
}

void DemoPage::startBurst() {
    if (!control_ || bursting())
        return;
    burst_left_ = burst_seconds_;
    control_->set_load_rate(rate_spin_->value() * kBurstFactor);
    qCInfo(lcConsole) << "load burst:" << rate_spin_->value() * kBurstFactor << "events/s for"
                      << burst_seconds_ << "s";
    mark(tr("burst ×%1").arg(kBurstFactor));
    burst_timer_.start();
    refresh();
}

void DemoPage::burst_tick() {
    if (--burst_left_ > 0)
        return;
    burst_timer_.stop();
    send_rate();
    refresh();
}

void DemoPage::toggle_database() {
    if (!control_)
        return;
    const bool start = !last_.database_running;
    action_pending_ = true;
    database_button_->setProperty("pending", true);
    QPointer<DemoPage> page(this);
    control_->set_database_running(start, [page, start](const QString& error) {
        if (page) {
            page->database_button_->setProperty("pending", false);
            page->action_done(start ? tr("Started PostgreSQL.") : tr("Stopped PostgreSQL."), error);
        }
    });
    refresh();
}

void DemoPage::toggle_broker(int broker_id) {
    if (!control_ || broker_id < 1 || size_t(broker_id) > last_.broker_down.size())
        return;
    const bool down = !last_.broker_down[size_t(broker_id - 1)];
    action_pending_ = true;
    QPointer<DemoPage> page(this);
    control_->set_broker_down(broker_id, down, [page, broker_id, down](const QString& error) {
        if (page)
            page->action_done(down ? tr("Broker %1 is down.").arg(broker_id)
                                   : tr("Broker %1 is up again.").arg(broker_id),
                              error);
    });
    refresh();
}

void DemoPage::action_done(const QString& what, const QString& error) {
    action_pending_ = false;
    action_message_->setText(error.isEmpty() ? what : tr("That did not work: %1").arg(error));
    action_message_->setRole(error.isEmpty() ? ToneLabel::Role::Text : ToneLabel::Role::Bad);
    QString label = what;
    if (label.endsWith(u'.'))
        label.chop(1);
    mark(error.isEmpty() ? label : tr("failed: %1").arg(label));
    action_message_->show();
    refresh();
}

void DemoPage::build_effect_charts() {
    using Kind = TimeSeriesChart::SeriesKind;
    effect_chart_->addSeries(tr("Produced"), theme::series_capacity, Kind::Line);
    effect_chart_->addSeries(tr("Consumed"), theme::series_in, Kind::Line);
    effect_chart_->addSeries(tr("Written"), theme::series_out, Kind::Line);
    queue_chart_->setValueFormat(ValueFormat::Percent);
    queue_chart_->addSeries(tr("Queue fill"), theme::series_queue, Kind::Area);
    queue_chart_->addSeries(tr("High watermark"), theme::series_watermark, Kind::DashedLimit);
    for (TimeSeriesChart* chart : {effect_chart_, queue_chart_}) {
        chart->setObjectName(
            chart->plot()->objectName().replace(QStringLiteral("chart_"), QStringLiteral("card_")));
        chart->setWindowSeconds(60);
        chart->setMinimumHeight(220);
    }
}

void DemoPage::plot(const Snapshot& s) {
    if (!available_ || s.taken_at.time_since_epoch().count() == 0)
        return;
    const double at = std::chrono::duration<double>(s.taken_at.time_since_epoch()).count();
    // The generator's rate over about the last second (a tick's worth alone is jittery).
    produced_samples_.push_back({at, last_.load.produced});
    while (produced_samples_.size() > 2 && at - produced_samples_[1].first >= 1.0)
        produced_samples_.pop_front();
    const auto& [oldest_at, oldest_produced] = produced_samples_.front();
    const double produced_per_s =
        at > oldest_at ? double(last_.load.produced - oldest_produced) / (at - oldest_at) : 0;
    effect_chart_->append(at, {std::max(produced_per_s, 0.0), s.consumed_per_s, s.written_per_s});
    queue_chart_->append(at, {s.queue_fill * 100, s.knobs.high_watermark * 100});
    // Only drawn while the page is on screen: the dashboard has the full picture.
    if (isVisible()) {
        effect_chart_->refreshLive();
        queue_chart_->refreshLive();
    }
}

void DemoPage::mark(const QString& what) {
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
    for (TimeSeriesChart* chart : {effect_chart_, queue_chart_})
        chart->addMarker(now, what, what);
}

}  // namespace spillway
