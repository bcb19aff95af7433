#include "ui/dashboard/partition_lag_model.h"

#include "ui/widgets/format.h"

namespace spillway {

namespace {

using Column = TableColumn<PartitionLag>;

std::vector<Column> lag_columns() {
    using M = PartitionLagModel;
    std::vector<Column> columns(M::ColumnCount);
    columns[M::Partition] = {M::tr("Partition"), [](auto& p) { return p.partition; },
                             [](auto& p) { return p.partition; }};
    columns[M::LagMessages] = {M::tr("Lag"), [](auto& p) { return format_count(p.lag_messages); },
                               [](auto& p) { return qlonglong(p.lag_messages); }};
    columns[M::LagMessages].header_tip =
        M::tr("Messages between the committed offset and the log end");
    columns[M::LagSeconds] = {M::tr("Oldest"),
                              [](auto& p) { return format_seconds(p.lag_seconds); },
                              [](auto& p) { return p.lag_seconds; }};
    columns[M::LagSeconds].header_tip = M::tr("Age of the oldest event not yet committed");
    columns[M::Committed] = {M::tr("Committed"), [](auto& p) { return format_offset(p.committed); },
                             [](auto& p) { return qlonglong(p.committed); }};
    columns[M::Committed].header_tip = M::tr("Next offset to read after a restart");
    columns[M::LogEnd] = {M::tr("Log end"), [](auto& p) { return format_offset(p.end_offset); },
                          [](auto& p) { return qlonglong(p.end_offset); }};
    columns[M::LogEnd].header_tip = M::tr("The broker's log-end offset");
    for (Column& column : columns)
        column = right_aligned(std::move(column));
    return columns;
}

}  // namespace

PartitionLagModel::PartitionLagModel(QObject* parent) : PartitionTableModel(lag_columns(), parent) {
    set_headers_aligned(true);
    set_row_tip([](const PartitionLag& p) {
        return tr("Partition %1: committed offset %2, log end %3, consumer position %4")
            .arg(p.partition)
            .arg(format_offset(p.committed), format_offset(p.end_offset),
                 format_offset(p.consumed_position));
    });
}

}  // namespace spillway
