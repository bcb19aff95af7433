// DeadLetterStore's changes to entries other than replay: edit a payload (validated, the first
// original kept) and discard a selection with a note. Each is one transaction with its audit row.
// One thread at a time.
#include <algorithm>
#include <string_view>

#include "core/dead_letters/dead_letter_sql.h"
#include "core/dead_letters/dead_letter_store.h"
#include "core/postgres/bytea_text.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

using namespace dead_letter_sql;

EditResult DeadLetterStore::edit_payload(int64_t id, const std::string& new_payload,
                                         const std::string& actor) {
    return guarded("edit", [&] {
        PgConnection& db = connection();
        const DecodeResult verdict = decoder_.decode(new_payload);
        const std::string entry = "entry #" + std::to_string(id);
        EditResult result;
        db.exec("BEGIN");
        const auto rows = db.query("SELECT status, length(payload) FROM " + dead_letters_ +
                                       " WHERE id = $1::bigint FOR UPDATE",
                                   {std::to_string(id)});
        if (rows.empty()) {
            result.message = entry + " not found";
        } else if (text_or_empty(rows[0][0]) == "replayed") {
            result.message =
                entry + " was already replayed (its event is stored); the payload stays as it was";
        } else {
            db.exec_params("UPDATE " + dead_letters_ +
                               " SET original_payload = COALESCE(original_payload, payload),"
                               " payload = $2::bytea WHERE id = $1::bigint",
                           {std::to_string(id), hex_bytea(new_payload)});
            result.ok = true;
            result.payload_valid = verdict.ok();
            result.message = "payload of " + entry + " edited (" + text_or_empty(rows[0][1]) +
                             " -> " + std::to_string(new_payload.size()) + " bytes); ";
            if (verdict.ok())
                result.message += "it is now valid (event_id " + quoted(verdict.event_id) +
                                  "): replay it to store it";
            else
                result.message += std::string("it is still invalid: ") +
                                  reject_reason_name(verdict.reject) + ": " + verdict.message;
            result.message = clean(result.message);
        }
        write_audit(actor, "edit", {id}, 1, std::nullopt, result.message,
                    json_number_fields({{"ok", result.ok ? 1 : 0},
                                        {"payload_valid", result.payload_valid ? 1 : 0},
                                        {"new_size", static_cast<int64_t>(new_payload.size())}}));
        db.exec("COMMIT");
        qCInfo(lcDeadLetterStore).noquote()
            << QString::fromStdString(clean(actor)) << QString::fromStdString(result.message);
        return result;
    });
}

DiscardResult DeadLetterStore::discard(const DeadLetterSelection& selection,
                                       const std::string& note, const std::string& actor) {
    return guarded("discard", [&] {
        std::string reason = clean(note);
        const auto first = reason.find_first_not_of(" \t\r\n");
        reason = first == std::string::npos ? std::string() : reason.substr(first);
        while (!reason.empty() &&
               std::string_view(" \t\r\n").find(reason.back()) != std::string_view::npos)
            reason.pop_back();
        if (reason.empty())
            throw std::invalid_argument("a note saying why the entries are discarded is required");
        PgConnection& db = connection();
        DiscardResult result;
        db.exec("BEGIN");
        result.selected = count_selection(selection);
        Query query;
        query.bind(clean(actor));
        query.bind(reason);
        const std::string condition = selection_condition(selection, query);
        IdRecorder discarded;
        for (const Row& row : db.query("UPDATE " + dead_letters_ +
                                           " SET status = 'discarded', status_changed_at = now(),"
                                           " status_changed_by = $1, status_note = $2"
                                           " WHERE status = 'new' AND (" +
                                           condition + ") RETURNING id",
                                       query.params))
            discarded.add(to_int64(row[0]));
        std::sort(discarded.ids.begin(), discarded.ids.end());
        result.discarded = discarded.total;
        result.skipped = result.selected - result.discarded;
        result.message = "discarded " + std::to_string(result.discarded) + " of " +
                         std::to_string(result.selected) + " selected entries";
        if (result.skipped > 0)
            result.message += " (" + std::to_string(result.skipped) +
                              " already replayed or discarded, left as they were)";
        result.message += ": " + reason;
        write_audit(
            actor, "discard", discarded.ids, discarded.total,
            selection.by_ids() ? std::nullopt : std::optional<std::string>(selection.describe()),
            result.message,
            json_number_fields({{"selected", result.selected},
                                {"discarded", result.discarded},
                                {"skipped", result.skipped}}));
        db.exec("COMMIT");
        qCInfo(lcDeadLetterStore).noquote()
            << QString::fromStdString(clean(actor)) << QString::fromStdString(result.message);
        return result;
    });
}

}  // namespace spillway
