#include "ui/dead_letters/dead_letter_controller.h"

#include <cstdio>
#include <fstream>
#include <streambuf>

#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/session/dead_letter_service.h"
#include "ui/widgets/format.h"

namespace spillway {

namespace {
constexpr int kAuditRows = 200;

struct ExportCancelled : std::runtime_error {
    ExportCancelled() : std::runtime_error("export cancelled") {}
};

// Passes every write on to the file, and throws once the export is cancelled, so an export ends
// at its next row however the backend produces them. Unbuffered: each write is checked.
class CancellableBuffer : public std::streambuf {
public:
    CancellableBuffer(std::streambuf* target, std::function<bool()> cancelled)
        : target_(target), cancelled_(std::move(cancelled)) {}

protected:
    int_type overflow(int_type ch) override {
        check();
        if (traits_type::eq_int_type(ch, traits_type::eof()))
            return traits_type::not_eof(ch);
        return target_->sputc(traits_type::to_char_type(ch));
    }
    std::streamsize xsputn(const char* data, std::streamsize size) override {
        check();
        return target_->sputn(data, size);
    }
    int sync() override {
        check();
        return target_->pubsync();
    }

private:
    void check() const {
        if (cancelled_())
            throw ExportCancelled();
    }
    std::streambuf* target_;
    std::function<bool()> cancelled_;
};

}  // namespace

DeadLetterController::DeadLetterController(std::function<DeadLetterFilter()> filter_bar,
                                           QObject* parent)
    : QObject(parent),
      filter_bar_(std::move(filter_bar)),
      model_(new DeadLetterModel(this)),
      reasons_(new DeadLetterReasonModel(this)),
      audit_(new DeadLetterAuditModel(this)) {
    connect(model_, &DeadLetterModel::loadFailed, this, &DeadLetterController::problem);
}

DeadLetterController::~DeadLetterController() {
    // The model lets go of the service first, so no answer arrives for a half-destroyed page.
    model_->setService(nullptr);
    service_.reset();
}

void DeadLetterController::use_service(std::unique_ptr<DeadLetterService> service,
                                       const DecoderOptions& decoder) {
    forget_exports();
    model_->setService(nullptr);
    service_ = std::move(service);
    connect(service_.get(), &DeadLetterService::failed, this, &DeadLetterController::problem);
    emit connected(decoder);
    // ensure_schema: the workbench may open before the engine made the tables.
    service_->run(
        this, tr("preparing the dead-letter tables"),
        [](DeadLetterBackend& store) { store.ensure_schema(); }, [] {},
        [](const QString&) {});  // without CREATE rights the tables must exist; queries will tell
    model_->setFilter(current_filter());
    model_->setService(service_.get());
    load_reason_counts();
    load_audit();
}

void DeadLetterController::forget_exports() {
    // The old service's answers never come: its exports stop (and remove their files) on the
    // worker, unseen.
    cancel_export();
    if (!running_exports_.empty()) {
        running_exports_.clear();
        emit exportRunning(false);
    }
}

void DeadLetterController::clear() {
    forget_exports();
    model_->setService(nullptr);
    service_.reset();
    reasons_->setCounts({});
    audit_->setRows({});
    emit disconnected();
}

DeadLetterFilter DeadLetterController::current_filter() const {
    DeadLetterFilter filter = filter_bar_();
    filter.reasons = reasons_->checkedReasons();
    return filter;
}

void DeadLetterController::apply_filter() {
    if (!service_)
        return;
    model_->setFilter(current_filter());
    load_reason_counts();
}

void DeadLetterController::refresh() {
    if (!service_)
        return;
    model_->refresh();
    load_reason_counts();
    load_audit();
    emit refreshed();
}

void DeadLetterController::load_reason_counts() {
    if (!service_)
        return;
    DeadLetterFilter filter = current_filter();
    filter.reasons.clear();  // each reason's count under the rest of the filter
    const uint64_t job = ++reason_job_;
    service_->run(
        this, tr("counting by reason"),
        [filter](DeadLetterBackend& store) { return store.counts_by_reason(filter); },
        [this, job](const std::vector<ReasonCount>& counts) {
            if (job != reason_job_)
                return;
            reasons_->setCounts(counts);  // keeps the checks: not a new filter
            emit reasonCountsLoaded(reasons_->total());
        });
}

void DeadLetterController::load_audit() {
    if (!service_)
        return;
    const uint64_t job = ++audit_job_;
    service_->run(
        this, tr("reading the audit log"),
        [](DeadLetterBackend& store) { return store.audit_log(kAuditRows); },
        [this, job](std::vector<DeadLetterAuditRow> rows) {
            if (job != audit_job_)
                return;
            audit_->setRows(std::move(rows));
            emit auditRefreshed();
        });
}

void DeadLetterController::load_entry(int64_t id) {
    if (!service_)
        return;
    const uint64_t job = ++detail_job_;
    service_->run(
        this, tr("reading entry %1").arg(id),
        [id](DeadLetterBackend& store) { return store.read(id); },
        [this, job, id](std::optional<DeadLetterEntry> entry) {
            if (job != detail_job_)
                return;
            if (!entry) {
                emit entryUnavailable(tr("Entry %1 is no longer in the table.").arg(id));
                return;
            }
            emit entryLoaded(*entry);
        },
        [this, job](const QString& message) {
            if (job == detail_job_)
                emit entryUnavailable(message);
        });
}

void DeadLetterController::forget_entry() {
    ++detail_job_;
}

void DeadLetterController::save_payload(int64_t id, const QByteArray& payload) {
    if (!service_)
        return;
    service_->run(
        this, tr("saving the payload of entry %1").arg(id),
        [id, payload = payload.toStdString(), actor = DeadLetterService::actor().toStdString()](
            DeadLetterBackend& store) { return store.edit_payload(id, payload, actor); },
        [this, id](const EditResult& result) {
            emit actionFinished(QString::fromStdString(result.message), result.ok);
            load_entry(id);
            model_->refresh();
            load_audit();
        },
        [this](const QString& message) {
            emit saveFailed();
            emit actionFinished(message, false);
        });
}

void DeadLetterController::discard(const DeadLetterSelection& selection, const QString& note) {
    if (!service_)
        return;
    service_->run(
        this, tr("discarding"),
        [selection, note = note.toStdString(), actor = DeadLetterService::actor().toStdString()](
            DeadLetterBackend& store) { return store.discard(selection, note, actor); },
        [this](const DiscardResult& result) {
            emit actionFinished(QString::fromStdString(result.message), true);
            refresh();
        },
        [this](const QString& message) { emit actionFinished(message, false); });
}

void DeadLetterController::export_to(const DeadLetterSelection& selection, ExportFormat format,
                                     const QString& path) {
    if (!service_)
        return;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    running_exports_.push_back(cancel);
    emit exportRunning(true);
    // Runs on the GUI thread once the export ended, whichever way.
    auto ended = [this, cancel] {
        std::erase(running_exports_, cancel);
        if (running_exports_.empty())
            emit exportRunning(false);
    };
    service_->run(
        this, tr("exporting to %1").arg(path),
        [selection, format, path = path.toStdString(), cancel, link = service_->link(),
         actor = DeadLetterService::actor().toStdString()](DeadLetterBackend& store) {
            std::ofstream file(path, std::ios::binary | std::ios::trunc);
            if (!file)
                throw std::runtime_error("cannot open " + path + " for writing");
            CancellableBuffer buffer(file.rdbuf(),
                                     [&] { return cancel->load() || link->stopping(); });
            std::ostream out(&buffer);
            out.exceptions(std::ios::badbit);  // a cancel (a throw in the buffer) ends the export
            int64_t written = 0;
            try {
                written = store.export_entries(selection, format, out, actor);
            } catch (...) {
                // The backend may wrap the cancel in its own error: the flag says what happened.
                if (!cancel->load() && !link->stopping())
                    throw;
                file.close();
                std::remove(path.c_str());
                throw ExportCancelled();
            }
            file.close();
            if (!file)
                throw std::runtime_error("writing " + path + " failed");
            return written;
        },
        [this, path, ended](int64_t written) {
            ended();
            emit actionFinished(tr("Exported %1 entries to %2").arg(format_count(written), path),
                                true);
            load_audit();
        },
        [this, path, cancel, ended](const QString& message) {
            ended();
            emit actionFinished(
                cancel->load()
                    ? tr("Export to %1 cancelled; the partial file was removed.").arg(path)
                    : message,
                false);
        });
}

void DeadLetterController::cancel_export() {
    for (const auto& cancel : running_exports_)
        cancel->store(true);
}

void DeadLetterController::replay_ran(const ReplayReport& report) {
    emit actionFinished(QString::fromStdString(report.summary()), true);
    if (!report.dry_run)
        refresh();
    else
        load_audit();
}

}  // namespace spillway
