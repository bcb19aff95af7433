// The dead-letter values' own behaviour: how a filter and a selection describe themselves (the
// text stored in the audit table) and the one-line replay summary. Pure; any thread.
#include <algorithm>

#include "core/dead_letters/dead_letter.h"
#include "core/dead_letters/dead_letter_sql.h"

namespace spillway {

using dead_letter_sql::clean;
using dead_letter_sql::iso8601;
using dead_letter_sql::quoted;

std::string DeadLetterFilter::describe() const {
    std::vector<std::string> parts;
    auto list = [](const std::vector<std::string>& values) {
        std::string joined;
        for (const auto& value : values)
            joined += (joined.empty() ? "" : ", ") + clean(value);
        return "(" + joined + ")";
    };
    if (!reasons.empty())
        parts.push_back("reason in " + list(reasons));
    if (topic)
        parts.push_back("topic = " + quoted(*topic));
    if (partition)
        parts.push_back("partition = " + std::to_string(*partition));
    if (from && to)
        parts.push_back("last seen from " + iso8601(*from) + " to before " + iso8601(*to));
    else if (from)
        parts.push_back("last seen from " + iso8601(*from));
    else if (to)
        parts.push_back("last seen before " + iso8601(*to));
    if (!text.empty())
        parts.push_back("text contains " + quoted(text));
    if (!statuses.empty())
        parts.push_back("status in " + list(statuses));
    if (events_table)
        parts.push_back("events table = " + quoted(*events_table));
    if (attempts_below)
        parts.push_back("attempts below " + std::to_string(*attempts_below));
    if (parts.empty())
        return "all entries";
    std::string joined;
    for (const auto& part : parts)
        joined += (joined.empty() ? "" : "; ") + part;
    return joined;
}

DeadLetterSelection::DeadLetterSelection(std::vector<int64_t> ids) : ids_(std::move(ids)) {
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

DeadLetterSelection::DeadLetterSelection(DeadLetterFilter filter) : filter_(std::move(filter)) {}

std::string DeadLetterSelection::describe() const {
    if (filter_)
        return filter_->describe();
    constexpr size_t kShown = 20;
    std::string text = ids_.size() == 1 ? "id " : "ids ";
    for (size_t i = 0; i < ids_.size() && i < kShown; ++i)
        text += (i ? ", " : "") + std::to_string(ids_[i]);
    if (ids_.size() > kShown)
        text += ", ... (" + std::to_string(ids_.size()) + " ids)";
    if (ids_.empty())
        text = "no ids";
    return text;
}

std::string ReplayReport::summary() const {
    std::string text = dry_run ? "dry run: " : "";
    text += "selected " + std::to_string(selected) + ", processed " + std::to_string(processed) +
            (dry_run ? ": would write " : ": written ") + std::to_string(written) +
            ", duplicates " + std::to_string(duplicates) + ", still bad " +
            std::to_string(still_bad) + ", skipped at attempt limit " +
            std::to_string(skipped_attempt_limit) + ", skipped not new " +
            std::to_string(skipped_not_new);
    if (cancelled)
        text += ", cancelled";
    return text;
}

}  // namespace spillway
