#pragma once
// One cold partition on disk: its rows in PostgreSQL's COPY text format (one row per line, every
// column as PostgreSQL prints it: bytea as \x hex, jsonb as its text), compressed as one zstd
// stream. COPY text is what the server both writes and reads back, so a restore returns exactly
// the rows that were exported, byte for byte, without a parser of our own.
//
// Written crash-safe: into "<file>.part", fsync'ed, renamed over the final name, directory
// fsync'ed. A file under its final name is therefore always complete.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QCryptographicHash;
struct ZSTD_CCtx_s;

namespace spillway {

// What a reader (or the writer) saw of an archive file.
struct ArchiveDigest {
    int64_t rows = 0;              // COPY lines
    int64_t raw_bytes = 0;         // COPY text bytes, before compression
    int64_t compressed_bytes = 0;  // the file's size
    std::string sha256;            // of the file as stored (lower-case hex)
};

class ArchiveWriter {
public:
    // Opens "<final_path>.part" for writing; throws std::runtime_error naming the file.
    explicit ArchiveWriter(std::string final_path, int level = 3);
    // Removes the .part file unless commit() succeeded.
    ~ArchiveWriter();
    ArchiveWriter(const ArchiveWriter&) = delete;
    ArchiveWriter& operator=(const ArchiveWriter&) = delete;

    // Appends COPY text (whole lines or pieces of them).
    void write(std::string_view copy_text);
    // Ends the zstd frame, fsyncs, renames to the final name and fsyncs the directory.
    ArchiveDigest commit();

    const std::string& part_path() const { return part_path_; }

private:
    void compress(std::string_view input, bool end);
    void append_output(const char* data, size_t size);

    std::string final_path_;
    std::string part_path_;
    std::FILE* file_ = nullptr;
    ZSTD_CCtx_s* cctx_ = nullptr;
    std::vector<char> out_buffer_;
    ArchiveDigest digest_;
    std::unique_ptr<QCryptographicHash> sha_;
    bool committed_ = false;
};

// Reads `path` from start to end: checks that it is one complete zstd stream, counts its rows and
// raw bytes and hashes the stored bytes. When `expected_fields` > 0 every line must hold that
// many tab-separated fields (what COPY FROM will demand). `on_data`, if given, receives the
// decompressed text in pieces. Throws std::runtime_error naming the file and what is wrong.
ArchiveDigest read_archive(const std::string& path, int expected_fields = 0,
                           const std::function<void(std::string_view)>& on_data = {});

// SHA-256 of a file's bytes (lower-case hex), without decompressing: the cheap first check before
// anything reads an archive's content. Throws naming the file.
std::string sha256_of_file(const std::string& path);

// Writes `contents` to `path` the same crash-safe way (temporary file, fsync, rename).
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace spillway
