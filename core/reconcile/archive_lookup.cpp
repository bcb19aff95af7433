#include "core/reconcile/archive_lookup.h"

#include <algorithm>
#include <filesystem>

#include "core/postgres/sink_schema.h"
#include "core/tiering/archive_file.h"
#include "core/tiering/archive_manifest.h"

namespace spillway {

std::string copy_text_unescape(std::string_view field) {
    std::string out;
    out.reserve(field.size());
    const auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
    const auto hex_value = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < field.size(); ++i) {
        const char c = field[i];
        if (c != '\\' || i + 1 >= field.size()) {
            out += c;
            continue;
        }
        const char next = field[++i];
        switch (next) {
            case 't':
                out += '\t';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case 'x': {
                int value = 0;
                int digits = 0;
                while (digits < 2 && i + 1 < field.size() && hex_value(field[i + 1]) >= 0) {
                    value = value * 16 + hex_value(field[++i]);
                    ++digits;
                }
                out += digits > 0 ? static_cast<char>(value) : 'x';
                break;
            }
            default:
                if (is_octal(next)) {
                    int value = next - '0';
                    for (int digits = 1;
                         digits < 3 && i + 1 < field.size() && is_octal(field[i + 1]); ++digits)
                        value = value * 8 + (field[++i] - '0');
                    out += static_cast<char>(value);
                } else {
                    out += next;  // \\ and any other escaped character stand for themselves
                }
        }
    }
    return out;
}

ArchiveLookup::ArchiveLookup(std::string archive_dir, std::string events_table)
    : archive_dir_(std::move(archive_dir)), events_table_(std::move(events_table)) {}

std::unordered_set<std::string> ArchiveLookup::find(std::chrono::sys_days day,
                                                    const std::unordered_set<std::string>& wanted,
                                                    std::string* problem) {
    std::unordered_set<std::string> found;
    const std::string partition = day_partition_table(events_table_, day);
    if (archive_dir_.empty()) {
        *problem = "no archive directory was given (--archive-dir) to look for " + partition;
        return found;
    }
    std::optional<ArchiveManifest> manifest;
    try {
        manifest = read_manifest(archive_dir_, partition);
    } catch (const std::exception& error) {
        *problem = error.what();
        return found;
    }
    if (!manifest) {
        *problem = "no archive of " + partition + " in " + archive_dir_;
        return found;
    }
    const std::string file =
        (std::filesystem::path(archive_dir_) / manifest->archive_file).string();
    auto checked = checked_.find(partition);
    if (checked == checked_.end()) {
        std::string verdict;
        try {
            const std::string sha = sha256_of_file(file);
            if (sha != manifest->sha256)
                verdict = "the archive " + file + " does not match its manifest's SHA-256";
        } catch (const std::exception& error) {
            verdict = error.what();
        }
        checked = checked_.emplace(partition, verdict).first;
    }
    if (!checked->second.empty()) {
        *problem = checked->second;
        return found;
    }
    const auto id_column =
        std::find(manifest->columns.begin(), manifest->columns.end(), "event_id");
    if (id_column == manifest->columns.end()) {
        *problem = "the manifest of " + partition + " lists no event_id column";
        return found;
    }
    const size_t id_index = static_cast<size_t>(id_column - manifest->columns.begin());
    std::string line;
    const auto take_line = [&](std::string_view text) {
        size_t start = 0;
        for (size_t field = 0; field < id_index; ++field) {
            start = text.find('\t', start);
            if (start == std::string_view::npos)
                return;
            ++start;
        }
        const size_t end = text.find('\t', start);
        const std::string id = copy_text_unescape(text.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (wanted.count(id))
            found.insert(id);
    };
    try {
        read_archive(file, static_cast<int>(manifest->columns.size()), [&](std::string_view data) {
            // Pieces need not end at a line: keep the unfinished line for the next piece.
            size_t start = 0;
            for (size_t newline = data.find('\n'); newline != std::string_view::npos;
                 newline = data.find('\n', start)) {
                if (line.empty()) {
                    take_line(data.substr(start, newline - start));
                } else {
                    line.append(data.substr(start, newline - start));
                    take_line(line);
                    line.clear();
                }
                start = newline + 1;
            }
            line.append(data.substr(start));
        });
    } catch (const std::exception& error) {
        *problem = error.what();
        return {};
    }
    return found;
}

}  // namespace spillway
