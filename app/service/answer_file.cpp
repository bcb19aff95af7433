#include "app/service/answer_file.h"
#include "core/common/errno_text.h"

#include <fcntl.h>
#include <unistd.h>
#include <QDir>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

namespace spillway {

// A write-only stream buffer over a file descriptor, 64 KiB at a time.
class AnswerFile::Buffer : public std::streambuf {
public:
    explicit Buffer(int fd) : fd_(fd), space_(size_t{64} * 1024) {
        setp(space_.data(), space_.data() + space_.size());
    }
    ~Buffer() override {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    uint64_t written() const { return written_; }
    bool failed() const { return failed_; }
    int error() const { return error_; }

protected:
    int sync() override { return drain() ? 0 : -1; }
    int_type overflow(int_type ch) override {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }

private:
    bool drain() {
        const char* next = pbase();
        while (next < pptr()) {
            const ssize_t n = ::write(fd_, next, size_t(pptr() - next));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                failed_ = true;
                error_ = errno;
                return false;
            }
            next += n;
            written_ += uint64_t(n);
        }
        setp(space_.data(), space_.data() + space_.size());
        return true;
    }

    int fd_;
    std::vector<char> space_;
    uint64_t written_ = 0;
    bool failed_ = false;
    int error_ = 0;
};

AnswerFile::AnswerFile() {
    const std::string directory = QDir::tempPath().toStdString();
    // O_TMPFILE: no name, so nothing is left behind and no other user can open it.
    const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot make a temporary file in " + directory + ": " +
                                 errno_text());
    buffer_ = std::make_unique<Buffer>(fd);
    stream_ = std::make_unique<std::ostream>(buffer_.get());
}

AnswerFile::~AnswerFile() = default;

std::ostream& AnswerFile::stream() {
    return *stream_;
}

void AnswerFile::hand_over(HttpResponse& response) {
    stream_->flush();
    if (!*stream_ || buffer_->failed())
        throw std::runtime_error(std::string("cannot write the temporary answer file: ") +
                                 errno_text(buffer_->error()));
    const int fd = buffer_->release();
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        const int error = errno;
        ::close(fd);
        throw std::runtime_error(std::string("cannot rewind the temporary answer file: ") +
                                 errno_text(error));
    }
    response.body_file = fd;
    response.file_size = buffer_->written();
}

}  // namespace spillway
