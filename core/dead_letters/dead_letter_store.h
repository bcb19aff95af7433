#pragma once
// The operator's side of the dead-letter table: count, page and filter entries, read one, edit a
// payload, replay a selection back through the pipeline, discard, export. Every operator action
// is recorded in the audit table <dead_letter_table>_audit (see sink_schema.h).
//
// Replay takes the same path as live ingestion: each entry's payload (as edited) is validated by
// EventDecoder and written by BatchWriter (COPY into staging, INSERT ... ON CONFLICT (event_id)
// DO NOTHING); an entry that is still bad is dead-lettered again onto its own row, which adds one
// to `attempts`. Entries at the attempt limit are skipped, which is what stops replay loops.
//
// A DeadLetterStore owns its connections and belongs to one thread at a time (the console calls
// it from a worker thread). Every value reaches SQL as a bound parameter; table names are
// validated and quoted. Failures throw PgError or std::runtime_error ("dead-letter store:
// <operation>: ..."), bad arguments std::invalid_argument.
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/dead_letters/dead_letter_backend.h"
#include "core/kafka/event_decoder.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

class BatchWriter;
class PgConnection;

class DeadLetterStore final : public DeadLetterBackend {
public:
    // sink: conninfo and table names (sink.topic is not used: every entry keeps its own topic,
    // and replay writes it under that topic). decoder: the validator replay uses; give it the
    // engine's options so a replayed entry is judged as a live one would be.
    // statement_timeout: when > 0, the store's own connection ends each statement after it
    // (PgConnection::limit_statement_time), for a console that must not wait for ever; replay's
    // writers use connections of their own, without it.
    DeadLetterStore(SinkOptions sink, DecoderOptions decoder = {},
                    std::chrono::milliseconds statement_timeout = {});
    ~DeadLetterStore() override;
    DeadLetterStore(const DeadLetterStore&) = delete;
    DeadLetterStore& operator=(const DeadLetterStore&) = delete;

    // The operations are described in dead_letter_backend.h.
    void ensure_schema() override;  // creates the tables if missing; needs CREATE rights
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
    struct Chunk;
    struct ReplayRun;
    PgConnection& connection();
    template <typename Body>
    auto guarded(const char* operation, Body&& body) -> decltype(body());
    Chunk next_chunk(const DeadLetterSelection& selection, int64_t after_id, int chunk_size);
    std::vector<DeadLetterEntry> fetch_entries(const std::vector<int64_t>& ids);
    int64_t count_selection(const DeadLetterSelection& selection);
    BatchWriter& writer_for(const std::string& topic);
    void write_audit(const std::string& actor, const std::string& action,
                     const std::vector<int64_t>& ids, int64_t entry_count,
                     const std::optional<std::string>& filter, const std::string& outcome,
                     const std::string& detail_json);
    void replay_chunk(const std::vector<DeadLetterEntry>& entries, ReplayRun& run);
    std::vector<std::string> stored_event_ids(const std::vector<std::string>& event_ids);
    void rollback_after_error();

    SinkOptions sink_;
    std::chrono::milliseconds statement_timeout_;
    EventDecoder decoder_;
    std::string dead_letters_;  // quoted table names
    std::string event_keys_;
    std::string audit_;
    std::unique_ptr<PgConnection> connection_;
    std::map<std::string, std::unique_ptr<BatchWriter>> writers_;  // one per source topic
};

// One entry as export_entries writes it (a JSON line, or a CSV record after the header row);
// for the round-trip fuzz target.
std::string export_line(const DeadLetterEntry& entry, ExportFormat format);

}  // namespace spillway
