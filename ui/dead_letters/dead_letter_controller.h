#pragma once
// What the dead-letter workbench does, without its widgets: which store it works on (a local
// DeadLetterService or a remote engine's), the table's pages (DeadLetterModel), the reason counts
// and the audit log, reading and saving one entry, discarding and exporting. Every store call
// runs on the service's thread; each kind of request carries a job number and only the answer
// to the latest one is applied. The view (DeadLetterPage) says what the filter bar holds and
// shows what this reports through its signals. GUI thread only.
#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "core/dead_letters/dead_letter_store.h"

namespace spillway {

class DeadLetterAuditModel;
class DeadLetterModel;
class DeadLetterReasonModel;
class DeadLetterService;

class DeadLetterController : public QObject {
    Q_OBJECT
public:
    // `filter_bar`: the filter the bar describes now, without the reasons (those are the reason
    // model's checks).
    DeadLetterController(std::function<DeadLetterFilter()> filter_bar, QObject* parent = nullptr);
    ~DeadLetterController() override;

    // Works on `service`'s store, judging payloads with `decoder`: connected(), then the first
    // page, the reason counts and the audit log load.
    void use_service(std::unique_ptr<DeadLetterService> service, const DecoderOptions& decoder);
    // No store: the models empty, disconnected().
    void clear();
    DeadLetterService* service() const { return service_.get(); }
    bool has_store() const { return service_ != nullptr; }

    // The bar's filter and the checked reasons.
    DeadLetterFilter current_filter() const;
    // Loads the first page of the current filter and the reason counts under it.
    void apply_filter();
    // The table again as far as it is loaded, the reason counts and the audit; then refreshed().
    void refresh();
    void load_reason_counts();
    void load_audit();
    // Reads one entry: entryLoaded() or entryUnavailable(). forget_entry() drops an answer
    // still on its way (the selection changed).
    void load_entry(int64_t id);
    void forget_entry();
    // Saves an edited payload: actionFinished(), then the entry, the table and the audit reload;
    // or saveFailed() and actionFinished(…, false).
    void save_payload(int64_t id, const QByteArray& payload);
    void discard(const DeadLetterSelection& selection, const QString& note);
    // Exports to a file on this machine: exportRunning(true), then actionFinished() and
    // exportRunning(false). cancel_export() stops the exports under way at their next write and
    // removes their partial files.
    void export_to(const DeadLetterSelection& selection, ExportFormat format, const QString& path);
    void cancel_export();
    bool exporting() const { return !running_exports_.empty(); }
    // A replay dialog ran: its summary is the action's outcome; a real replay changed the rows.
    void replay_ran(const ReplayReport& report);

    DeadLetterModel* model() const { return model_; }
    DeadLetterReasonModel* reasons() const { return reasons_; }
    DeadLetterAuditModel* audit() const { return audit_; }
    int replay_chunk_size() const { return replay_chunk_size_; }
    void set_replay_chunk_size(int entries) { replay_chunk_size_ = entries; }

signals:
    void connected(const DecoderOptions& decoder);
    void disconnected();
    // A request without its own handler failed, or the table could not load.
    void problem(const QString& message);
    void reasonCountsLoaded(qint64 total);
    void auditRefreshed();
    void refreshed();
    void entryLoaded(const DeadLetterEntry& entry);
    void entryUnavailable(const QString& message);
    void saveFailed();
    // An action finished (or failed): the line shown under the table.
    void actionFinished(const QString& message, bool ok);
    // An export started (true) or the last one under way ended (false).
    void exportRunning(bool running);

private:
    void forget_exports();

    std::function<DeadLetterFilter()> filter_bar_;
    std::unique_ptr<DeadLetterService> service_;
    DeadLetterModel* model_;
    DeadLetterReasonModel* reasons_;
    DeadLetterAuditModel* audit_;
    int replay_chunk_size_ = 500;
    // One flag per export under way; cancel_export() sets them, the worker reads them.
    std::vector<std::shared_ptr<std::atomic<bool>>> running_exports_;
    uint64_t reason_job_ = 0;
    uint64_t detail_job_ = 0;
    uint64_t audit_job_ = 0;
};

}  // namespace spillway
