#pragma once
// The dead-letter audit trail as a table, newest first: when, who, what, on which entries, and
// what came of it. The workbench reloads it after every action.
#include <vector>

#include "core/dead_letters/dead_letter_store.h"

#include "ui/models/row_table_model.h"

namespace spillway {

class DeadLetterAuditModel : public RowTableModel<DeadLetterAuditRow> {
    Q_OBJECT
public:
    enum Column { At, Actor, Action, Entries, Selection, Outcome, ColumnCount };

    explicit DeadLetterAuditModel(QObject* parent = nullptr);

    void setRows(std::vector<DeadLetterAuditRow> rows);
    const DeadLetterAuditRow& auditRow(int row) const { return rows().at(size_t(row)); }

private:
    QVariant cell(const DeadLetterAuditRow& row, int column_index, int role) const override;
    QVariant header(int section, int role) const override;
};

}  // namespace spillway
