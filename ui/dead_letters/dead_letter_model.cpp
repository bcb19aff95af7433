#include "ui/dead_letters/dead_letter_model.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QScopeGuard>
#include <algorithm>

#include "ui/dead_letters/dead_letter_payload_text.h"
#include "ui/widgets/format.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

// The store pages at most this many rows at once; a refresh reloads up to here.
constexpr int kMaxRefreshRows = 10'000;

QString wall_time_text(WallTime time) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
    return QDateTime::fromMSecsSinceEpoch(ms.count())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString one_line(const std::string& text) {
    QString line = QString::fromStdString(text);
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    line.replace(QLatin1Char('\r'), QLatin1Char(' '));
    line.replace(QLatin1Char('\t'), QLatin1Char(' '));
    return line;
}

}  // namespace

DeadLetterModel::DeadLetterModel(QObject* parent) : RowTableModel(ColumnCount, parent) {}

void DeadLetterModel::setService(DeadLetterService* service) {
    service_ = service;
    start_over(page_size_, false);
}

void DeadLetterModel::setFilter(DeadLetterFilter filter) {
    filter_ = std::move(filter);
    start_over(page_size_, false);
}

void DeadLetterModel::refresh() {
    start_over(std::clamp(int(rows().size()), page_size_, kMaxRefreshRows), true);
}

int DeadLetterModel::rowOfId(int64_t id) const {
    // Rows are sorted by id, newest (largest) first.
    const auto found = std::lower_bound(
        rows().begin(), rows().end(), id,
        [](const DeadLetterSummary& row, int64_t wanted) { return row.id > wanted; });
    return found != rows().end() && found->id == id ? int(found - rows().begin()) : -1;
}

void DeadLetterModel::start_over(int limit, bool keep_rows) {
    job_ = jobs_.start();
    // Before the reset: views (and QAbstractItemModelTester) ask canFetchMore() during it, and
    // must not start a second first page.
    loading_ = service_ != nullptr;
    exhausted_ = service_ == nullptr;
    if ((!keep_rows || !service_) && !rows().empty())
        set_rows({});
    if (!service_) {
        total_ = -1;
        emit totalCountChanged(total_);
        return;
    }
    const uint64_t job = job_;
    DeadLetterPageRequest request;
    request.limit = limit;
    service_->run(
        this, tr("loading dead letters"),
        [filter = filter_, request](DeadLetterBackend& store) {
            return store.page(filter, request);
        },
        [this, job, limit, keep_rows](std::vector<DeadLetterSummary> rows) {
            if (!jobs_.is_latest(job))
                return;
            if (keep_rows) {
                apply_refresh(std::move(rows), limit);
            } else {
                // Still loading while the rows go in: views ask canFetchMore() on the way.
                const bool last_page = int(rows.size()) < limit;
                append_rows(std::move(rows));  // empty until now: start_over cleared them
                loading_ = false;
                exhausted_ = last_page;
            }
            emit loaded();
        },
        [this, job](const QString& message) {
            if (!jobs_.is_latest(job))
                return;
            loading_ = false;
            exhausted_ = true;
            emit loadFailed(message);
        });
    request_count(job);
}

void DeadLetterModel::apply_refresh(std::vector<DeadLetterSummary> rows, int limit) {
    const bool last_page = int(rows.size()) < limit;
    // Loading stays set through the reset; see fetchMore.
    const auto done = qScopeGuard([this, last_page] {
        loading_ = false;
        exhausted_ = last_page;
    });
    // The same ids: every cell may have changed (status, attempts), in place.
    refresh_rows(std::move(rows), [](const auto& a, const auto& b) { return a.id == b.id; }, 0, {});
}

void DeadLetterModel::request_count(uint64_t job) {
    service_->run(
        this, tr("counting dead letters"),
        [filter = filter_](DeadLetterBackend& store) { return store.count(filter); },
        [this, job](int64_t total) {
            if (!jobs_.is_latest(job))
                return;
            total_ = total;
            emit totalCountChanged(total_);
        },
        [this, job](const QString& message) {
            if (jobs_.is_latest(job))
                emit loadFailed(message);
        });
}

bool DeadLetterModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && service_ && !loading_ && !exhausted_;
}

void DeadLetterModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    loading_ = true;
    const uint64_t job = job_;
    DeadLetterPageRequest request;
    request.limit = page_size_;
    if (!rows().empty())
        request.after_id = rows().back().id;
    service_->run(
        this, tr("loading more dead letters"),
        [filter = filter_, request](DeadLetterBackend& store) {
            return store.page(filter, request);
        },
        [this, job, limit = request.limit](std::vector<DeadLetterSummary> rows) {
            if (!jobs_.is_latest(job))
                return;
            const bool last_page = int(rows.size()) < limit;
            append_rows(std::move(rows));
            loading_ = false;  // after the insert: a view asks for more during it
            exhausted_ = last_page;
            emit loaded();
        },
        [this, job](const QString& message) {
            if (!jobs_.is_latest(job))
                return;
            loading_ = false;
            emit loadFailed(message);
        });
}

QVariant DeadLetterModel::cell(const DeadLetterSummary& row, int column_index, int role) const {
    if (role == IdRole)
        return qlonglong(row.id);
    if (role == StatusRole)
        return QString::fromStdString(row.status);
    if (role == Qt::DisplayRole) {
        switch (Column(column_index)) {
            case Id:
                return qlonglong(row.id);
            case LastSeen:
                return wall_time_text(row.last_seen);
            case Reason:
                return QString::fromStdString(row.reason);
            case Topic:
                return QString::fromStdString(row.topic);
            case Partition:
                return row.partition;
            case Offset:
                return qlonglong(row.offset);
            case Key:
                return one_line(printable_bytes(row.key).toStdString());
            case Message:
                return one_line(row.message);
            case Attempts:
                return row.attempts;
            case Status:
                return QString::fromStdString(row.status);
            case Size:
                return format_bytes(double(row.payload_size));
            case ColumnCount:
                break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        switch (Column(column_index)) {
            case Message:
                return row.sqlstate.empty() ? QString::fromStdString(row.message)
                                            : QStringLiteral("%1 (SQLSTATE %2)")
                                                  .arg(QString::fromStdString(row.message),
                                                       QString::fromStdString(row.sqlstate));
            case LastSeen:
                return tr("First seen %1").arg(wall_time_text(row.first_seen));
            case Size:
                return tr("%1 bytes. Starts with: %2")
                    .arg(format_count(row.payload_size),
                         one_line(printable_bytes(row.payload_preview).toStdString()));
            default:
                return {};
        }
    }
    if (role == Qt::TextAlignmentRole) {
        switch (Column(column_index)) {
            case Id:
            case Partition:
            case Offset:
            case Attempts:
            case Size:
                return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            default:
                return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        }
    }
    if (role == Qt::ForegroundRole && column_index == Status && row.status != "new") {
        const QPalette palette;
        return row.status == "replayed" ? theme::tone_color(theme::Tone::Good, palette)
                                        : theme::muted_text(palette);
    }
    return {};
}

QVariant DeadLetterModel::header(int section, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Id:
            return tr("Id");
        case LastSeen:
            return tr("Last seen");
        case Reason:
            return tr("Reason");
        case Topic:
            return tr("Topic");
        case Partition:
            return tr("Part.");
        case Offset:
            return tr("Offset");
        case Key:
            return tr("Key");
        case Message:
            return tr("Error");
        case Attempts:
            return tr("Tries");
        case Status:
            return tr("Status");
        case Size:
            return tr("Size");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
