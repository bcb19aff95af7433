#include "ui/storage/tier_partition_model.h"

#include "ui/widgets/format.h"

namespace spillway {

namespace {

using Column = TableColumn<TierPartition>;

QString day_text(const TierPartition& partition) {
    // "2026-01-31T00:00:00Z" -> "2026-01-31"; the default partition holds whatever falls outside.
    return partition.range_from.empty()
               ? TierPartitionModel::tr("other days")
               : QString::fromStdString(partition.range_from.substr(0, 10));
}

QString partition_tip(const TierPartition& p) {
    using M = TierPartitionModel;
    if (p.tier == Tier::Cold)
        return M::tr("Archived in %1 (took %2 in PostgreSQL)")
            .arg(QString::fromStdString(p.archive_file), format_bytes(double(p.hot_bytes)));
    return p.rows_estimated ? M::tr("In PostgreSQL; the row count is the planner's estimate")
           : p.range_from.empty()
               ? M::tr("In PostgreSQL; events outside the daily partitions (never archived)")
               : M::tr("In PostgreSQL");
}

std::vector<Column> partition_columns() {
    using M = TierPartitionModel;
    std::vector<Column> columns(M::ColumnCount);
    columns[M::Name] = {M::tr("Partition"), [](auto& p) { return QString::fromStdString(p.name); },
                        [](auto& p) { return QString::fromStdString(p.name); }};
    columns[M::TierColumn] = {
        M::tr("Tier"), [](auto& p) { return p.tier == Tier::Hot ? M::tr("hot") : M::tr("cold"); },
        [](auto& p) { return QString::fromLatin1(tier_name(p.tier)); }};
    columns[M::Day] = {M::tr("Day (UTC)"), [](auto& p) { return day_text(p); },
                       [](auto& p) { return QString::fromStdString(p.range_from); }};
    columns[M::Rows] = right_aligned(Column{
        M::tr("Rows"),
        [](auto& p) {
            return (p.rows_estimated ? QStringLiteral("≈") : QString()) + format_count(p.rows);
        },
        [](auto& p) { return qlonglong(p.rows); }});
    columns[M::Size] =
        right_aligned(Column{M::tr("Size"), [](auto& p) { return format_bytes(double(p.bytes)); },
                             [](auto& p) { return qlonglong(p.bytes); }});
    return columns;
}

}  // namespace

TierPartitionModel::TierPartitionModel(QObject* parent)
    : ColumnTableModel(partition_columns(), parent) {
    set_row_tip(&partition_tip);
}

void TierPartitionModel::setPartitions(std::vector<TierPartition> partitions) {
    refresh_keyed(std::move(partitions), [](const TierPartition& p) { return p.name; });
}

}  // namespace spillway
