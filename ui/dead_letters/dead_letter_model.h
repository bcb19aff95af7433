#pragma once
// The dead-letter table as a Qt model: keyset pages of the store's summaries (newest first), so a
// view over 100,000 entries loads only what it shows. Filtering happens in SQL: setFilter()
// starts over with the first page. Every request carries a job number and only the answer to the
// latest one changes the rows, so a filter typed quickly never shows a stale page.
#include <vector>

#include "core/dead_letters/dead_letter_store.h"
#include "ui/models/row_table_model.h"
#include "ui/session/dead_letter_service.h"

namespace spillway {

class DeadLetterModel : public RowTableModel<DeadLetterSummary> {
    Q_OBJECT
public:
    enum Column {
        Id,
        Reason,
        Message,
        Topic,
        Partition,
        Offset,
        Key,
        Attempts,
        Status,
        LastSeen,
        Size,
        ColumnCount
    };
    static constexpr int IdRole = Qt::UserRole + 1;
    static constexpr int StatusRole = Qt::UserRole + 2;

    explicit DeadLetterModel(QObject* parent = nullptr);

    // Null: no store (the model stays empty). Loads the first page of the current filter.
    void setService(DeadLetterService* service);
    void setFilter(DeadLetterFilter filter);
    const DeadLetterFilter& filter() const { return filter_; }
    // The same filter again, for as many rows as are loaded now (after an action changed them).
    void refresh();
    void setPageSize(int rows) { page_size_ = rows; }
    int pageSize() const { return page_size_; }

    // Entries the filter matches (-1 until counted), and whether a request is out.
    int64_t totalCount() const { return total_; }
    bool loading() const { return loading_; }
    bool exhausted() const { return exhausted_; }
    const DeadLetterSummary& summary(int row) const { return rows().at(size_t(row)); }
    int rowOfId(int64_t id) const;

    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

signals:
    // A page, a refresh or the count arrived and was applied.
    void loaded();
    void totalCountChanged(qint64 total);
    void loadFailed(const QString& message);

private:
    QVariant cell(const DeadLetterSummary& row, int column_index, int role) const override;
    QVariant header(int section, int role) const override;
    void start_over(int limit, bool keep_rows);
    void request_count(uint64_t job);
    void apply_refresh(std::vector<DeadLetterSummary> rows, int limit);

    DeadLetterService* service_ = nullptr;
    DeadLetterFilter filter_;
    DeadLetterJobs jobs_;
    uint64_t job_ = 0;  // the generation the rows belong to
    int page_size_ = 200;
    int64_t total_ = -1;
    bool loading_ = false;
    bool exhausted_ = true;
};

}  // namespace spillway
