#pragma once
// The dead-letter audit trail as a table, newest first: when, who, what, on which entries, and
// what came of it. The workbench reloads it after every action.
#include <QAbstractTableModel>
#include <vector>

#include "core/dead_letters/dead_letter_store.h"

namespace spillway {

class DeadLetterAuditModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { At, Actor, Action, Entries, Selection, Outcome, ColumnCount };

    explicit DeadLetterAuditModel(QObject* parent = nullptr);

    void setRows(std::vector<DeadLetterAuditRow> rows);
    const DeadLetterAuditRow& auditRow(int row) const { return rows_.at(size_t(row)); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<DeadLetterAuditRow> rows_;
};

}  // namespace spillway
