#pragma once
// Whether ids whose rows left the events table for the cold tier are in their day's archive file.
//
// The check chosen: read the file. The manifest records the file's SHA-256 and its row count but
// not its ids, so a checksum that matches proves the file is the one exported, not that a given
// id is in it. So the file's checksum is verified once per run (a file that does not match its
// manifest holds nothing), and then its rows are streamed and each row's event_id compared with
// the ids asked for. Memory stays bounded by the ids asked for plus one line; the cost is one
// pass over the file per question, which only ids of archived days pay. One thread.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>

namespace spillway {

class ArchiveLookup {
public:
    ArchiveLookup(std::string archive_dir, std::string events_table);

    // The ids of `wanted` (whose event time is on `day`) that are rows of the day's archive
    // file. When the day has no usable archive, returns nothing and says why in `problem`.
    std::unordered_set<std::string> find(std::chrono::sys_days day,
                                         const std::unordered_set<std::string>& wanted,
                                         std::string* problem);

private:
    std::string archive_dir_;
    std::string events_table_;
    std::map<std::string, std::string> checked_;  // partition -> "" (file verified) or the problem
};

// Undoes PostgreSQL's COPY text escaping of one field (\\, \t, \n, \r, \b, \f, \v, octal, \x).
std::string copy_text_unescape(std::string_view field);

}  // namespace spillway
