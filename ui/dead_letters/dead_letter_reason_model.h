#pragma once
// "Group by reason": each reason with its count under the rest of the filter, checkable. The
// checked reasons are the reason filter (none checked: every reason).
#include <QStringList>
#include <vector>

#include "core/dead_letters/dead_letter_store.h"
#include "ui/models/row_table_model.h"

namespace spillway {

// One reason of the "group by reason" table.
struct ReasonRow {
    QString reason;
    int64_t count = 0;
    bool checked = false;
};

class DeadLetterReasonModel : public RowTableModel<ReasonRow> {
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

    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

signals:
    void checkedReasonsChanged();

private:
    QVariant cell(const ReasonRow& row, int column_index, int role) const override;
    QVariant header(int section, int role) const override;
};

}  // namespace spillway
