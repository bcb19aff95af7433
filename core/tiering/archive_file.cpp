#include "core/tiering/archive_file.h"
#include "core/common/errno_text.h"

#include <zstd.h>
#include <QCryptographicHash>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace spillway {

namespace {

std::runtime_error file_error(const std::string& what, const std::string& path) {
    return std::runtime_error(what + " " + path + ": " + errno_text());
}

// A rename is durable only once the directory entry is on disk too.
void fsync_directory_of(const std::string& path) {
    const std::string directory = std::filesystem::path(path).parent_path().string();
    const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        throw file_error("cannot open directory of", path);
    const int result = ::fsync(fd);
    ::close(fd);
    if (result != 0)
        throw file_error("cannot fsync directory of", path);
}

void flush_and_fsync(std::FILE* file, const std::string& path) {
    if (std::fflush(file) != 0 || ::fsync(::fileno(file)) != 0)
        throw file_error("cannot write", path);
}

// The crash-safe last step shared by archives and manifests: a file under its final name is
// always complete.
void rename_durably(const std::string& part, const std::string& path) {
    if (std::rename(part.c_str(), path.c_str()) != 0)
        throw file_error("cannot rename " + part + " to", path);
    fsync_directory_of(path);
}

std::string hex(const QByteArray& bytes) {
    return bytes.toHex().toStdString();
}

}  // namespace

ArchiveWriter::ArchiveWriter(std::string final_path, int level)
    : final_path_(std::move(final_path)),
      part_path_(final_path_ + ".part"),
      out_buffer_(ZSTD_CStreamOutSize()),
      sha_(std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256)) {
    file_ = std::fopen(part_path_.c_str(), "wb");
    if (!file_)
        throw file_error("cannot create archive file", part_path_);
    cctx_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
}

ArchiveWriter::~ArchiveWriter() {
    ZSTD_freeCCtx(cctx_);
    if (file_)
        std::fclose(file_);
    if (!committed_)
        std::remove(part_path_.c_str());
}

void ArchiveWriter::append_output(const char* data, size_t size) {
    if (size == 0)
        return;
    if (std::fwrite(data, 1, size, file_) != size)
        throw file_error("cannot write archive file", part_path_);
    sha_->addData(QByteArrayView(data, qsizetype(size)));
    digest_.compressed_bytes += int64_t(size);
}

void ArchiveWriter::compress(std::string_view input, bool end) {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
        ZSTD_outBuffer out{out_buffer_.data(), out_buffer_.size(), 0};
        const size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
        if (ZSTD_isError(remaining))
            throw std::runtime_error("zstd could not compress into " + part_path_ + ": " +
                                     ZSTD_getErrorName(remaining));
        append_output(out_buffer_.data(), out.pos);
        const bool done = end ? remaining == 0 : in.pos == in.size;
        if (done)
            return;
    }
}

void ArchiveWriter::write(std::string_view copy_text) {
    for (const char c : copy_text)
        digest_.rows += c == '\n';
    digest_.raw_bytes += int64_t(copy_text.size());
    compress(copy_text, false);
}

ArchiveDigest ArchiveWriter::commit() {
    compress({}, true);
    flush_and_fsync(file_, part_path_);
    std::fclose(file_);
    file_ = nullptr;
    rename_durably(part_path_, final_path_);
    committed_ = true;
    digest_.sha256 = hex(sha_->result());
    return digest_;
}

ArchiveDigest read_archive(const std::string& path, int expected_fields,
                           const std::function<void(std::string_view)>& on_data) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file)
        throw file_error("cannot open archive file", path);
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    QCryptographicHash sha(QCryptographicHash::Sha256);
    std::vector<char> in_buffer(ZSTD_DStreamInSize());
    std::vector<char> out_buffer(ZSTD_DStreamOutSize());
    ArchiveDigest digest;
    int fields_in_line = 1;
    size_t frame_remaining = 0;
    bool saw_data = false;
    const auto check_text = [&](const char* data, size_t size) {
        for (size_t i = 0; i < size; ++i) {
            if (data[i] == '\t') {
                ++fields_in_line;
            } else if (data[i] == '\n') {
                if (expected_fields > 0 && fields_in_line != expected_fields)
                    throw std::runtime_error("archive file " + path + ": row " +
                                             std::to_string(digest.rows + 1) + " has " +
                                             std::to_string(fields_in_line) + " fields, expected " +
                                             std::to_string(expected_fields));
                ++digest.rows;
                fields_in_line = 1;
            }
        }
    };
    for (;;) {
        const size_t read = std::fread(in_buffer.data(), 1, in_buffer.size(), file.get());
        if (read == 0) {
            if (std::ferror(file.get()))
                throw file_error("cannot read archive file", path);
            break;
        }
        saw_data = true;
        sha.addData(QByteArrayView(in_buffer.data(), qsizetype(read)));
        digest.compressed_bytes += int64_t(read);
        ZSTD_inBuffer in{in_buffer.data(), read, 0};
        while (in.pos < in.size) {
            ZSTD_outBuffer out{out_buffer.data(), out_buffer.size(), 0};
            frame_remaining = ZSTD_decompressStream(dctx.get(), &out, &in);
            if (ZSTD_isError(frame_remaining))
                throw std::runtime_error("archive file " + path + " is not valid zstd data: " +
                                         ZSTD_getErrorName(frame_remaining));
            check_text(out_buffer.data(), out.pos);
            digest.raw_bytes += int64_t(out.pos);
            if (on_data && out.pos > 0)
                on_data(std::string_view(out_buffer.data(), out.pos));
        }
    }
    if (!saw_data || frame_remaining != 0)
        throw std::runtime_error("archive file " + path +
                                 " is truncated (the zstd stream does not end)");
    if (fields_in_line != 1)
        throw std::runtime_error("archive file " + path + " ends in the middle of a row");
    digest.sha256 = hex(sha.result());
    return digest;
}

std::string sha256_of_file(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file)
        throw file_error("cannot open archive file", path);
    QCryptographicHash sha(QCryptographicHash::Sha256);
    std::vector<char> buffer(1 << 16);
    while (const size_t read = std::fread(buffer.data(), 1, buffer.size(), file.get()))
        sha.addData(QByteArrayView(buffer.data(), qsizetype(read)));
    if (std::ferror(file.get()))
        throw file_error("cannot read archive file", path);
    return hex(sha.result());
}

void write_file_atomically(const std::string& path, std::string_view contents) {
    const std::string part = path + ".part";
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(part.c_str(), "wb"),
                                                         &std::fclose);
    if (!file)
        throw file_error("cannot create", part);
    if (std::fwrite(contents.data(), 1, contents.size(), file.get()) != contents.size())
        throw file_error("cannot write", part);
    flush_and_fsync(file.get(), part);
    file.reset();
    rename_durably(part, path);
}

}  // namespace spillway
