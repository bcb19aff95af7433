#include "core/tiering/archive_manifest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/tiering/archive_file.h"

namespace spillway {

namespace {

constexpr const char* kManifestSuffix = ".manifest.json";

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
        const QJsonValue value = object.value(QLatin1String(name));
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
    return m;
}

std::string archive_file_path(const std::string& directory, const std::string& partition) {
    return (std::filesystem::path(directory) / (partition + ".copy.zst")).string();
}

std::string manifest_file_path(const std::string& directory, const std::string& partition) {
    return (std::filesystem::path(directory) / (partition + kManifestSuffix)).string();
}

void write_manifest(const std::string& directory, const ArchiveManifest& manifest) {
    write_file_atomically(manifest_file_path(directory, manifest.partition),
                          manifest_to_json(manifest));
}

namespace {
ArchiveManifest read_manifest_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read manifest " + path);
    std::stringstream contents;
    contents << in.rdbuf();
    return manifest_from_json(contents.str(), path);
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
