#include "ui/dead_letters/dead_letter_controller.h"

#include <fstream>

#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/session/dead_letter_service.h"
#include "ui/widgets/format.h"

namespace spillway {

namespace {
constexpr int kAuditRows = 200;
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

void DeadLetterController::clear() {
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
    service_->run(
        this, tr("exporting to %1").arg(path),
        [selection, format, path = path.toStdString(),
         actor = DeadLetterService::actor().toStdString()](DeadLetterBackend& store) {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            if (!out)
                throw std::runtime_error("cannot open " + path + " for writing");
            const int64_t written = store.export_entries(selection, format, out, actor);
            out.close();
            if (!out)
                throw std::runtime_error("writing " + path + " failed");
            return written;
        },
        [this, path](int64_t written) {
            emit actionFinished(tr("Exported %1 entries to %2").arg(format_count(written), path),
                                true);
            load_audit();
        },
        [this](const QString& message) { emit actionFinished(message, false); });
}

void DeadLetterController::replay_ran(const ReplayReport& report) {
    emit actionFinished(QString::fromStdString(report.summary()), true);
    if (!report.dry_run)
        refresh();
    else
        load_audit();
}

}  // namespace spillway
