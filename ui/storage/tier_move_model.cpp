#include "ui/storage/tier_move_model.h"

#include "ui/widgets/format.h"

namespace spillway {

namespace {

using Column = TableColumn<TierMove>;

QString text_of(const std::string& text) {
    return QString::fromStdString(text);
}

std::vector<Column> move_columns() {
    using M = TierMoveModel;
    std::vector<Column> columns(M::ColumnCount);
    // "2026-01-31T12:34:56Z" -> "2026-01-31 12:34:56"
    columns[M::Started] = {M::tr("Started (UTC)"), [](auto& m) {
                               return text_of(m.started_at).replace(u'T', u' ').remove(u'Z');
                           }};
    columns[M::Partition] = {M::tr("Partition"), [](auto& m) { return text_of(m.partition); }};
    columns[M::Direction] = {M::tr("Move"), [](auto& m) {
                                 return QStringLiteral("%1 → %2").arg(text_of(m.from_tier),
                                                                      text_of(m.to_tier));
                             }};
    columns[M::State] = {M::tr("State"), [](auto& m) { return text_of(m.state); }};
    columns[M::Rows] =
        right_aligned(Column{M::tr("Rows"), [](auto& m) { return format_count(m.rows); }});
    columns[M::Size] = right_aligned(
        Column{M::tr("Archive"), [](auto& m) { return format_bytes(double(m.bytes)); }});
    return columns;
}

}  // namespace

TierMoveModel::TierMoveModel(QObject* parent) : ColumnTableModel(move_columns(), parent) {
    set_row_tip([](const TierMove& move) {
        return move.error.empty() ? tr("SHA-256 %1").arg(text_of(move.sha256))
                                  : text_of(move.error);
    });
}

void TierMoveModel::setMoves(std::vector<TierMove> moves) {
    // A handful of rows that all may change (a move's state): resetting is simplest and cheap.
    set_rows(std::move(moves));
}

}  // namespace spillway
