#include "core/tiering/archive_manifest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/postgres/partition_day.h"
#include "core/postgres/pg_connection.h"
#include "core/tiering/archive_file.h"

namespace spillway {

namespace {

constexpr const char* kManifestSuffix = ".manifest.json";
constexpr const char* kArchiveSuffix = ".copy.zst";
constexpr size_t kMaxTextField = 64;  // times and dates as PostgreSQL or we print them

bool is_column_name(const std::string& name) {
    if (name.empty() || name.size() > 63 || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

bool is_sha256_hex(const std::string& text) {
    if (text.size() != 64)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// "<partition>.copy.zst" or "<partition>.<n>.copy.zst": a plain name inside the directory.
bool is_archive_name_of(const std::string& name, const std::string& partition) {
    if (!name.starts_with(partition) || !name.ends_with(kArchiveSuffix))
        return false;
    const std::string middle = name.substr(
        partition.size(), name.size() - partition.size() - std::string(kArchiveSuffix).size());
    if (middle.empty())
        return true;
    if (middle.size() < 2 || middle.size() > 7 || middle[0] != '.')
        return false;
    for (size_t i = 1; i < middle.size(); ++i)
        if (middle[i] < '0' || middle[i] > '9')
            return false;
    return true;
}

// Everything restore later puts into SQL or a path comes from here: refuse what the engine
// would never have written, naming the field.
void validate_manifest(const ArchiveManifest& m, const std::string& source) {
    const auto bad = [&](const char* field, const std::string& why) {
        return std::runtime_error("manifest " + source + ": \"" + field + "\" " + why);
    };
    if (!valid_table_name(m.table))
        throw bad("table", "is not a table name");
    const auto day = partition_day(m.table, m.partition);
    if (!day)
        throw bad("partition",
                  "is not a day partition of " + m.table + " (" + m.table + "_pYYYYMMDD)");
    if (m.range_from != iso_utc(*day))
        throw bad("range_from", "is not the start of the partition's day (" + iso_utc(*day) + ")");
    if (m.range_to != iso_utc(*day + std::chrono::days(1)))
        throw bad("range_to", "is not the end of the partition's day (" +
                                  iso_utc(*day + std::chrono::days(1)) + ")");
    for (const auto& column : m.columns)
        if (!is_column_name(column))
            throw bad("columns", "holds a name that is not a column name");
    if (!is_sha256_hex(m.sha256))
        throw bad("sha256", "is not 64 lower-case hex digits");
    if (!is_archive_name_of(m.archive_file, m.partition))
        throw bad("archive_file", "is not a file of this directory named for the partition (" +
                                      m.partition + kArchiveSuffix + ")");
    for (const auto id : m.dictionary_ids)
        if (id < 1 || id > std::numeric_limits<int32_t>::max())
            throw bad("dictionary_ids", "holds an id that is not a dictionary id");
    for (const auto* text : {&m.min_event_time, &m.max_event_time, &m.created_at})
        if (text->size() > kMaxTextField)
            throw std::runtime_error("manifest " + source + " has a time longer than " +
                                     std::to_string(kMaxTextField) + " characters");
}

std::string manifest_path_for_file(const std::string& directory, const std::string& archive_file) {
    const std::string stem =
        archive_file.substr(0, archive_file.size() - std::string(kArchiveSuffix).size());
    return (std::filesystem::path(directory) / (stem + kManifestSuffix)).string();
}

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

}  // namespace

std::string manifest_to_json(const ArchiveManifest& m) {
    QJsonArray columns;
    for (const auto& column : m.columns)
        columns.append(q(column));
    QJsonArray dictionaries;
    for (const auto id : m.dictionary_ids)
        dictionaries.append(double(id));
    const QJsonObject object{
        {"format", "spillway-archive"},
        {"format_version", m.format_version},
        {"table", q(m.table)},
        {"partition", q(m.partition)},
        {"range_from", q(m.range_from)},
        {"range_to", q(m.range_to)},
        {"columns", columns},
        {"rows", double(m.rows)},
        {"min_event_time", q(m.min_event_time)},
        {"max_event_time", q(m.max_event_time)},
        {"raw_bytes", double(m.raw_bytes)},
        {"compressed_bytes", double(m.compressed_bytes)},
        {"hot_bytes", double(m.hot_bytes)},
        {"sha256", q(m.sha256)},
        {"compression", "zstd"},
        {"content", "postgresql-copy-text"},
        {"dictionary_ids", dictionaries},
        {"archive_file", q(m.archive_file)},
        {"created_at", q(m.created_at)},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Indented).toStdString();
}

ArchiveManifest manifest_from_json(const std::string& json, const std::string& source) {
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    if (!document.isObject())
        throw std::runtime_error("manifest " + source +
                                 " is not a JSON object: " + error.errorString().toStdString());
    const QJsonObject object = document.object();
    const auto field = [&](const char* name) {
        QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined())
            throw std::runtime_error("manifest " + source + " lacks \"" + name + "\"");
        return value;
    };
    const auto text = [&](const char* name) { return field(name).toString().toStdString(); };
    const auto integer = [&](const char* name) {
        const QJsonValue value = field(name);
        if (!value.isDouble() || value.toDouble() < 0)
            throw std::runtime_error("manifest " + source + ": \"" + name +
                                     "\" is not a non-negative number");
        return int64_t(value.toDouble());
    };
    ArchiveManifest m;
    m.format_version = int(integer("format_version"));
    if (m.format_version != ArchiveManifest::kFormatVersion)
        throw std::runtime_error("manifest " + source + " has format_version " +
                                 std::to_string(m.format_version) + "; this build reads " +
                                 std::to_string(ArchiveManifest::kFormatVersion));
    m.table = text("table");
    m.partition = text("partition");
    m.range_from = text("range_from");
    m.range_to = text("range_to");
    for (const auto& column : field("columns").toArray())
        m.columns.push_back(column.toString().toStdString());
    if (m.columns.empty())
        throw std::runtime_error("manifest " + source + " lists no columns");
    m.rows = integer("rows");
    m.min_event_time = text("min_event_time");
    m.max_event_time = text("max_event_time");
    m.raw_bytes = integer("raw_bytes");
    m.compressed_bytes = integer("compressed_bytes");
    m.hot_bytes = integer("hot_bytes");
    m.sha256 = text("sha256");
    for (const auto& id : field("dictionary_ids").toArray())
        m.dictionary_ids.push_back(int64_t(id.toDouble()));
    m.archive_file = text("archive_file");
    m.created_at = text("created_at");
    validate_manifest(m, source);
    return m;
}

std::string manifest_file_path(const std::string& directory, const ArchiveManifest& manifest) {
    return manifest_path_for_file(directory, manifest.archive_file);
}

std::string next_archive_file_path(const std::string& directory, const std::string& partition,
                                   const std::set<std::string>& taken) {
    for (int n = 1; n < 1000000; ++n) {
        const std::string stem = n == 1 ? partition : partition + "." + std::to_string(n);
        std::string file = archive_file_path(directory, stem);
        if (!taken.count(std::filesystem::path(file).filename().string()) &&
            !std::filesystem::exists(file) && !std::filesystem::exists(file + ".part") &&
            !std::filesystem::exists(manifest_file_path(directory, stem)))
            return file;
    }
    throw std::runtime_error("too many archives of " + partition + " in " + directory);
}

std::string archive_file_path(const std::string& directory, const std::string& partition) {
    return (std::filesystem::path(directory) / (partition + ".copy.zst")).string();
}

std::string manifest_file_path(const std::string& directory, const std::string& partition) {
    return (std::filesystem::path(directory) / (partition + kManifestSuffix)).string();
}

void write_manifest(const std::string& directory, const ArchiveManifest& manifest) {
    validate_manifest(manifest, manifest.partition);
    write_file_atomically(manifest_file_path(directory, manifest), manifest_to_json(manifest));
}

namespace {
ArchiveManifest read_manifest_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read manifest " + path);
    std::stringstream contents;
    contents << in.rdbuf();
    ArchiveManifest manifest = manifest_from_json(contents.str(), path);
    // A manifest copied under another name would make restore pick the wrong file.
    if (std::filesystem::path(manifest_path_for_file("", manifest.archive_file)).filename() !=
        std::filesystem::path(path).filename())
        throw std::runtime_error("manifest " + path + ": \"archive_file\" " +
                                 manifest.archive_file + " does not belong to this manifest");
    return manifest;
}
}  // namespace

std::optional<ArchiveManifest> read_manifest(const std::string& directory,
                                             const std::string& partition) {
    const std::string path = manifest_file_path(directory, partition);
    if (!std::filesystem::exists(path))
        return std::nullopt;
    return read_manifest_file(path);
}

std::vector<ArchiveManifest> read_manifests(const std::string& directory,
                                            std::vector<std::string>* problems) {
    std::vector<ArchiveManifest> manifests;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        const std::string name = entry.path().filename().string();
        if (!name.ends_with(kManifestSuffix))
            continue;
        try {
            manifests.push_back(read_manifest_file(entry.path().string()));
        } catch (const std::exception& failure) {
            if (problems)
                problems->push_back(failure.what());
        }
    }
    return manifests;
}

}  // namespace spillway
