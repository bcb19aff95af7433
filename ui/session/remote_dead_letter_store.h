#pragma once
// The dead-letter workbench on a remote engine: every operation is a request to the engine's
// control API under /api/v1/dead-letters (see app/service/control_api.cpp), with the values as
// core/dead_letters/dead_letter_json.h writes them. Calls block: the store lives on
// DeadLetterService's worker thread, where it makes its own network manager and waits in a local
// event loop.
//
// Replay goes in chunks of ids (options.chunk_size), so the progress bar moves and Cancel takes
// effect between chunks as with the embedded store; a filter is first resolved to ids by paging
// through the list. Every chunk is one audited replay on the engine.
//
// Failures throw std::runtime_error naming the method, the URL and the HTTP status
// ("POST http://127.0.0.1:9464/api/v1/dead-letters/replay: HTTP 401 (no or wrong token): ...").
// The token travels only in the Authorization header, never in a message.
#include <QByteArray>
#include <QString>
#include <QUrl>
#include <atomic>
#include <chrono>
#include <memory>

#include "core/dead_letters/dead_letter_backend.h"

class QJsonValue;
class QNetworkAccessManager;
class QUrlQuery;

namespace spillway {

class RemoteDeadLetterStore final : public DeadLetterBackend {
public:
    // base: the engine's API address (http://host:port); token: its bearer token. A request
    // waiting for its answer is abandoned when *give_up turns true (the service is closing).
    RemoteDeadLetterStore(QUrl base, QString token, const std::atomic<bool>* give_up = nullptr,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));
    ~RemoteDeadLetterStore() override;

    void ensure_schema() override;  // the engine made its tables: checks that it answers
    int64_t count(const DeadLetterFilter& filter) override;
    std::vector<DeadLetterSummary> page(const DeadLetterFilter& filter,
                                        const DeadLetterPageRequest& request) override;
    std::vector<ReasonCount> counts_by_reason(const DeadLetterFilter& filter) override;
    std::optional<DeadLetterEntry> read(int64_t id) override;
    EditResult edit_payload(int64_t id, const std::string& new_payload,
                            const std::string& actor) override;
    ReplayReport replay(const DeadLetterSelection& selection,
                        const ReplayOptions& options) override;
    DiscardResult discard(const DeadLetterSelection& selection, const std::string& note,
                          const std::string& actor) override;
    int64_t export_entries(const DeadLetterSelection& selection, ExportFormat format,
                           std::ostream& out, const std::string& actor) override;
    std::vector<DeadLetterAuditRow> audit_log(int limit = 100) override;

private:
    struct Answer {
        int status = 0;
        QByteArray body;
        QUrl url;
        QByteArray entry_count;  // the export's X-Spillway-Entries header
    };
    // Sends and waits. Throws unless the answer has one of the accepted statuses (200 always).
    // With `sink`, a 200 answer's body is written there as it arrives instead of into
    // Answer::body (an export can be larger than the console's memory should hold).
    Answer call(const QByteArray& method, const QString& path, const QUrlQuery& query,
                const QByteArray& body, std::initializer_list<int> also_accepted = {},
                std::ostream* sink = nullptr);
    QJsonValue call_json(const QByteArray& method, const QString& path, const QUrlQuery& query,
                         const QByteArray& body = {});
    std::vector<int64_t> matching_ids(const DeadLetterFilter& filter);

    QUrl base_;
    QString token_;
    const std::atomic<bool>* give_up_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<QNetworkAccessManager> network_;  // made on first use, on the worker thread
};

}  // namespace spillway
