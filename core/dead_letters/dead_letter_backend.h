#pragma once
// What the dead-letter workbench does with a dead-letter table, apart from where the table is:
// DeadLetterStore works on it in SQL (the embedded engine, the control API's server side),
// RemoteDeadLetterStore (ui/) through a remote engine's control API. The values (dead_letter.h) are
// the same either way; core/dead_letters/dead_letter_json.h carries them over HTTP.
//
// A backend belongs to one thread at a time and its calls block. Failures throw (the message
// names the operation), bad arguments std::invalid_argument.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/dead_letters/dead_letter.h"

namespace spillway {

class DeadLetterBackend {
public:
    virtual ~DeadLetterBackend() = default;

    // Makes sure the tables exist (the engine does this too): may need CREATE rights.
    virtual void ensure_schema() = 0;

    virtual int64_t count(const DeadLetterFilter& filter) = 0;
    virtual std::vector<DeadLetterSummary> page(const DeadLetterFilter& filter,
                                                const DeadLetterPageRequest& request) = 0;
    // Most frequent first.
    virtual std::vector<ReasonCount> counts_by_reason(const DeadLetterFilter& filter) = 0;
    virtual std::optional<DeadLetterEntry> read(int64_t id) = 0;

    // Replaces the payload; the first original stays in original_payload. Refused for an entry
    // already replayed. Audited (action "edit") whether or not it changed anything.
    virtual EditResult edit_payload(int64_t id, const std::string& new_payload,
                                    const std::string& actor) = 0;

    // Progress and cancel through options.progress, between chunks of options.chunk_size.
    virtual ReplayReport replay(const DeadLetterSelection& selection,
                                const ReplayOptions& options) = 0;

    // Marks the selection's new entries discarded with the note (required). Audited.
    virtual DiscardResult discard(const DeadLetterSelection& selection, const std::string& note,
                                  const std::string& actor) = 0;

    // Every column of every selected entry, oldest first. A payload or key goes out as text when
    // it is valid UTF-8 without NUL, else as base64; the *_encoding column says which. Audited.
    // Returns the number of entries written to `out`.
    virtual int64_t export_entries(const DeadLetterSelection& selection, ExportFormat format,
                                   std::ostream& out, const std::string& actor) = 0;

    // Newest first.
    virtual std::vector<DeadLetterAuditRow> audit_log(int limit = 100) = 0;

protected:
    DeadLetterBackend() = default;
    DeadLetterBackend(const DeadLetterBackend&) = default;
    DeadLetterBackend& operator=(const DeadLetterBackend&) = default;
};

}  // namespace spillway
