#pragma once
// A RowTableModel whose columns are described as data: each column says its title, its header
// tooltip, its alignment, the text a cell shows and the raw value behind it (ValueRole, for
// sorting, filtering and tests). A table of value structs then declares its columns once instead
// of repeating a switch over the columns for every role. Rows may be kept in step by a key
// (refresh_keyed): while the keys stay the same the cells change in place. GUI thread only.
#include <QString>
#include <QVariant>
#include <functional>
#include <utility>
#include <vector>

#include "ui/models/row_table_model.h"

namespace spillway {

template <typename Row>
struct TableColumn {
    using Cell = std::function<QVariant(const Row&)>;

    TableColumn() = default;
    TableColumn(QString title_, Cell text_, Cell value_ = {},
                Qt::Alignment alignment_ = Qt::AlignLeft | Qt::AlignVCenter,
                QString header_tip_ = {})
        : title(std::move(title_)),
          text(std::move(text_)),
          value(std::move(value_)),
          alignment(alignment_),
          header_tip(std::move(header_tip_)) {}

    QString title;
    // What the cell shows (DisplayRole) and the raw value behind it (ValueRole); a missing
    // function shows nothing for that role.
    Cell text;
    Cell value;
    Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter;  // none: a delegate paints it
    QString header_tip;
};

template <typename Row>
TableColumn<Row> right_aligned(TableColumn<Row> column) {
    column.alignment = Qt::AlignRight | Qt::AlignVCenter;
    return column;
}

template <typename Row, typename Rows = std::vector<Row>>
class ColumnTableModel : public RowTableModel<Row, Rows> {
public:
    // The raw value behind a cell; DisplayRole is the formatted text.
    static constexpr int ValueRole = Qt::UserRole + 1;

    // `columns` in the order of the subclass's Column enum.
    ColumnTableModel(std::vector<TableColumn<Row>> columns, QObject* parent = nullptr)
        : RowTableModel<Row, Rows>(int(columns.size()), parent), columns_(std::move(columns)) {}

    // The row at `row`, or null outside the table.
    const Row* rowAt(int row) const {
        return row >= 0 && size_t(row) < this->rows().size() ? &this->rows()[size_t(row)] : nullptr;
    }

protected:
    // The tooltip of every cell of a row (none when unset).
    void set_row_tip(std::function<QString(const Row&)> tip) { row_tip_ = std::move(tip); }
    // Aligns the headers like their columns (numbers right) instead of Qt's default.
    void set_headers_aligned(bool aligned) { headers_aligned_ = aligned; }

    // Same keys pair by pair: values change in place (one dataChanged over the whole table,
    // selection and scroll kept); other keys: a reset.
    template <typename Key>
    void refresh_keyed(Rows rows, Key key) {
        this->refresh_rows(std::move(rows),
                           [&key](const Row& a, const Row& b) { return key(a) == key(b); }, 0,
                           {Qt::DisplayRole, ValueRole, Qt::ToolTipRole});
    }

    QVariant cell(const Row& row, int column_index, int role) const override {
        const TableColumn<Row>& column = columns_[size_t(column_index)];
        switch (role) {
            case Qt::DisplayRole:
                return column.text ? column.text(row) : QVariant();
            case ValueRole:
                return column.value ? column.value(row) : QVariant();
            case Qt::ToolTipRole:
                return row_tip_ ? QVariant(row_tip_(row)) : QVariant();
            case Qt::TextAlignmentRole:  // none: a delegate paints the cell
                return column.alignment == Qt::Alignment() ? QVariant()
                                                           : QVariant::fromValue(column.alignment);
            default:
                return {};
        }
    }
    QVariant header(int section, int role) const override {
        const TableColumn<Row>& column = columns_[size_t(section)];
        switch (role) {
            case Qt::DisplayRole:
                return column.title;
            case Qt::ToolTipRole:
                return column.header_tip.isEmpty() ? QVariant() : QVariant(column.header_tip);
            case Qt::TextAlignmentRole:
                return headers_aligned_ ? QVariant::fromValue(column.alignment) : QVariant();
            default:
                return {};
        }
    }

private:
    std::vector<TableColumn<Row>> columns_;
    std::function<QString(const Row&)> row_tip_;
    bool headers_aligned_ = false;
};

}  // namespace spillway
