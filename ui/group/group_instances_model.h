#pragma once
// Several engines of one consumer group side by side: one column per instance (its name and
// address), one row per key figure, read from each instance's control API. The assigned
// partitions row shows how Kafka spread the topic among them; a row of totals is not kept here
// (figures of different instances are shown, not merged). Each instance has its own
// RemoteEngineSession polling at a slower pace than the dashboard's; the table refreshes on one
// timer, so repaint cost does not grow with the number of instances' answers.
#include <QAbstractTableModel>
#include <QTimer>
#include <memory>
#include <vector>

#include "ui/session/connection_profile.h"

namespace spillway {

class RemoteEngineSession;

class GroupInstancesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Figure {
        State,
        Partitions,
        EventsIn,
        EventsOut,
        Written,
        Lag,
        QueueFill,
        WritersBusy,
        BatchP99,
        DeadLettered,
        BatchSize,
        FigureCount
    };

    explicit GroupInstancesModel(QObject* parent = nullptr);
    ~GroupInstancesModel() override;

    // Starts watching `profile`'s engine (its token resolved); a profile of the same name is
    // replaced. Returns the instance's column.
    int addInstance(const ConnectionProfile& profile);
    void removeInstance(int column);
    void clear();
    int instanceCount() const { return int(instances_.size()); }
    RemoteEngineSession* session(int column) const;
    // Reads every instance's latest snapshot now (the timer does it every `interval`).
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Instance;
    std::vector<std::unique_ptr<Instance>> instances_;
    QTimer refresh_timer_;
};

}  // namespace spillway
