#pragma once
// "Group by reason": each reason with its count under the rest of the filter, checkable. The
// checked reasons are the reason filter (none checked: every reason).
#include <QAbstractTableModel>
#include <QStringList>
#include <vector>

#include "core/dead_letters/dead_letter_store.h"

namespace spillway {

class DeadLetterReasonModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Reason, Count, ColumnCount };

    explicit DeadLetterReasonModel(QObject* parent = nullptr);

    // Replaces the counts; checked reasons stay checked (with a count of 0 when gone).
    void setCounts(const std::vector<ReasonCount>& counts);
    std::vector<std::string> checkedReasons() const;
    void setCheckedReasons(const QStringList& reasons);
    void clearChecks();
    int64_t total() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void checkedReasonsChanged();

private:
    struct Row {
        QString reason;
        int64_t count = 0;
        bool checked = false;
    };
    std::vector<Row> rows_;
};

}  // namespace spillway
