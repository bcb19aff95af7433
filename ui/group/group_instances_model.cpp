#include "ui/group/group_instances_model.h"

#include <QStringList>

#include "ui/widgets/format.h"
#include "ui/session/remote_engine_session.h"

namespace spillway {

namespace {

// The group page is an overview: twice a second is enough, and N instances cost N requests.
constexpr std::chrono::milliseconds kInstancePollInterval(500);

QString figure_name(GroupInstancesModel::Figure figure) {
    switch (figure) {
        case GroupInstancesModel::State:
            return QObject::tr("State");
        case GroupInstancesModel::Partitions:
            return QObject::tr("Assigned partitions");
        case GroupInstancesModel::EventsIn:
            return QObject::tr("Events in");
        case GroupInstancesModel::EventsOut:
            return QObject::tr("Events out");
        case GroupInstancesModel::Written:
            return QObject::tr("Written");
        case GroupInstancesModel::Lag:
            return QObject::tr("Consumer lag");
        case GroupInstancesModel::QueueFill:
            return QObject::tr("Queue");
        case GroupInstancesModel::WritersBusy:
            return QObject::tr("Writers busy");
        case GroupInstancesModel::BatchP99:
            return QObject::tr("Batch write p99");
        case GroupInstancesModel::DeadLettered:
            return QObject::tr("Dead-lettered");
        case GroupInstancesModel::BatchSize:
            return QObject::tr("Batch size");
        case GroupInstancesModel::FigureCount:
            break;
    }
    return {};
}

QString assigned_partitions(const Snapshot& s) {
    QStringList numbers;
    for (const PartitionLag& lag : s.partitions)
        numbers << QString::number(lag.partition);
    return numbers.isEmpty() ? QObject::tr("none") : numbers.join(QStringLiteral(", "));
}

QString figure_text(GroupInstancesModel::Figure figure, const Snapshot& s) {
    switch (figure) {
        case GroupInstancesModel::State:
            return QString::fromStdString(s.state);
        case GroupInstancesModel::Partitions:
            return assigned_partitions(s);
        case GroupInstancesModel::EventsIn:
            return format_rate(s.consumed_per_s);
        case GroupInstancesModel::EventsOut:
            return format_rate(s.written_per_s);
        case GroupInstancesModel::Written:
            return format_count(s.written);
        case GroupInstancesModel::Lag:
            return format_count(s.total_lag_messages);
        case GroupInstancesModel::QueueFill:
            return format_percent(s.queue_fill);
        case GroupInstancesModel::WritersBusy:
            return QStringLiteral("%1 / %2").arg(s.writers_busy).arg(s.writers_running);
        case GroupInstancesModel::BatchP99:
            return format_ms(s.batch_p99_ms);
        case GroupInstancesModel::DeadLettered:
            return format_count(s.dead_lettered);
        case GroupInstancesModel::BatchSize:
            return format_count(s.knobs.batch_size);
        case GroupInstancesModel::FigureCount:
            break;
    }
    return {};
}

}  // namespace

struct GroupInstancesModel::Instance {
    ConnectionProfile profile;
    RemoteEngineSession session;
    std::shared_ptr<const Snapshot> shown;  // what the table shows (read on the refresh tick)
    QString problem;                        // the latest failed request, until one succeeds
};

GroupInstancesModel::GroupInstancesModel(QObject* parent) : QAbstractTableModel(parent) {
    refresh_timer_.setInterval(kInstancePollInterval);
    connect(&refresh_timer_, &QTimer::timeout, this, &GroupInstancesModel::refresh);
    refresh_timer_.start();
}

GroupInstancesModel::~GroupInstancesModel() = default;

int GroupInstancesModel::addInstance(const ConnectionProfile& profile) {
    for (size_t i = 0; i < instances_.size(); ++i)
        if (instances_[i]->profile.name == profile.name) {
            removeInstance(int(i));
            break;
        }
    const int column = int(instances_.size());
    beginInsertColumns({}, column, column);
    auto instance = std::make_unique<Instance>();
    instance->profile = profile;
    Instance* raw = instance.get();
    connect(&raw->session, &RemoteEngineSession::requestFailed, this,
            [this, raw](const QString& problem) {
                raw->problem = problem;
                refresh();
            });
    connect(&raw->session, &RemoteEngineSession::recovered, this, [this, raw] {
        raw->problem.clear();
        refresh();
    });
    raw->session.set_poll_interval(kInstancePollInterval);
    instances_.push_back(std::move(instance));
    endInsertColumns();
    raw->session.start(QUrl(profile.engine_url.trimmed()), profile.api_token);
    return column;
}

void GroupInstancesModel::removeInstance(int column) {
    if (column < 0 || column >= instanceCount())
        return;
    beginRemoveColumns({}, column, column);
    instances_.erase(instances_.begin() + column);
    endRemoveColumns();
}

void GroupInstancesModel::clear() {
    if (instances_.empty())
        return;
    beginRemoveColumns({}, 0, instanceCount() - 1);
    instances_.clear();
    endRemoveColumns();
}

RemoteEngineSession* GroupInstancesModel::session(int column) const {
    return column >= 0 && column < instanceCount() ? &instances_[size_t(column)]->session : nullptr;
}

void GroupInstancesModel::refresh() {
    for (size_t column = 0; column < instances_.size(); ++column) {
        Instance& instance = *instances_[column];
        instance.shown = instance.session.snapshot();
        emit dataChanged(index(0, int(column)), index(FigureCount - 1, int(column)));
    }
    if (!instances_.empty())
        emit headerDataChanged(Qt::Horizontal, 0, instanceCount() - 1);
}

int GroupInstancesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : FigureCount;
}

int GroupInstancesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : instanceCount();
}

QVariant GroupInstancesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.column() >= instanceCount() || index.row() >= FigureCount)
        return {};
    const Instance& instance = *instances_[size_t(index.column())];
    const auto figure = Figure(index.row());
    if (role == Qt::DisplayRole) {
        if (!instance.shown)
            return figure == State ? QVariant(instance.problem.isEmpty() ? tr("connecting…")
                                                                         : tr("unreachable"))
                                   : QVariant(QStringLiteral("–"));
        if (figure == State && !instance.problem.isEmpty())
            return tr("%1 (not answering)").arg(QString::fromStdString(instance.shown->state));
        return figure_text(figure, *instance.shown);
    }
    if (role == Qt::ToolTipRole && figure == State && !instance.problem.isEmpty())
        return instance.problem;
    if (role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant GroupInstancesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole && section >= 0 && section < FigureCount)
            return figure_name(Figure(section));
        return {};
    }
    if (section < 0 || section >= instanceCount())
        return {};
    const Instance& instance = *instances_[size_t(section)];
    if (role == Qt::DisplayRole)
        return instance.profile.name;
    if (role == Qt::ToolTipRole)
        return instance.problem.isEmpty() ? instance.profile.engine_url : instance.problem;
    return {};
}

}  // namespace spillway
