#pragma once
// The row-vector table model the console's tables share (after hotspot's models): rows of one
// value type in a std::vector (or a std::deque where old rows leave at the front), a fixed number
// of columns, and the Qt boilerplate (row and column counts, index checks, header orientation)
// written once. A model derives from RowTableModel<Row> with its column count, keeps its public
// setters, and says only what a cell and a column header show. GUI thread only, like every Qt
// model.
#include <QAbstractTableModel>
#include <QList>
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace spillway {

template <typename Row, typename Rows = std::vector<Row>>
class RowTableModel : public QAbstractTableModel {
public:
    explicit RowTableModel(int columns, QObject* parent = nullptr)
        : QAbstractTableModel(parent), columns_(columns) {}

    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : int(rows_.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : columns_;
    }
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        return cell(rows_[size_t(index.row())], index.column(), role);
    }
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override {
        if (orientation != Qt::Horizontal || section < 0 || section >= columns_)
            return {};
        return header(section, role);
    }

    const Rows& rows() const { return rows_; }

protected:
    // What the cell of `row` in `column` shows for `role`; an empty QVariant for nothing.
    virtual QVariant cell(const Row& row, int column, int role) const = 0;
    // The column's header for `role` (usually only Qt::DisplayRole).
    virtual QVariant header(int column, int role) const = 0;

    // Every row may have changed: the views reset (cheap for the few rows these tables hold).
    void set_rows(Rows rows) {
        beginResetModel();
        rows_ = std::move(rows);
        endResetModel();
    }
    // New values for the same rows (same_row(old, new) holds pair by pair): assigned in place
    // with one dataChanged from first_column on, so views keep selection and scroll; any other
    // change of rows resets.
    template <typename SameRow>
    void refresh_rows(Rows rows, SameRow same_row, int first_column, const QList<int>& roles) {
        if (rows.size() != rows_.size() ||
            !std::equal(rows_.begin(), rows_.end(), rows.begin(), same_row)) {
            set_rows(std::move(rows));
            return;
        }
        rows_ = std::move(rows);
        if (!rows_.empty())
            emit dataChanged(index(0, first_column), index(int(rows_.size()) - 1, columns_ - 1),
                             roles);
    }
    // New rows at the end, announced as an insertion so views keep their selection and scroll.
    void append_rows(Rows rows) {
        if (rows.empty())
            return;
        const int first = int(rows_.size());
        beginInsertRows(QModelIndex(), first, first + int(rows.size()) - 1);
        for (auto& row : rows)
            rows_.push_back(std::move(row));
        endInsertRows();
    }
    // New rows at the top (a newest-first list), `rows` in the order they are shown.
    void prepend_rows(Rows rows) {
        if (rows.empty())
            return;
        beginInsertRows(QModelIndex(), 0, int(rows.size()) - 1);
        rows_.insert(rows_.begin(), std::make_move_iterator(rows.begin()),
                     std::make_move_iterator(rows.end()));
        endInsertRows();
    }
    // The oldest `count` rows leave (a bounded log).
    void remove_first_rows(size_t count) {
        count = std::min(count, rows_.size());
        if (count == 0)
            return;
        beginRemoveRows(QModelIndex(), 0, int(count) - 1);
        rows_.erase(rows_.begin(), rows_.begin() + std::ptrdiff_t(count));
        endRemoveRows();
    }
    // For a subclass's setData: change a row in place, then emit dataChanged itself.
    Row& mutable_row(int row) { return rows_[size_t(row)]; }

private:
    const int columns_;
    Rows rows_;
};

}  // namespace spillway
