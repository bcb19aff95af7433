#pragma once
// A large answer (a dead-letter export) written to an unnamed, owner-only temporary file and
// handed to the HTTP server, which sends it from the file: memory stays bounded however large the
// answer. Used by one thread at a time (the API's dead-letter worker).
#include <memory>
#include <ostream>

#include "app/service/http_server.h"

namespace spillway {

class AnswerFile {
public:
    // Throws std::runtime_error naming the directory when no temporary file can be made.
    AnswerFile();
    ~AnswerFile();  // closes the file unless handed over
    AnswerFile(const AnswerFile&) = delete;
    AnswerFile& operator=(const AnswerFile&) = delete;

    std::ostream& stream();
    // Flushes and rewinds the file and makes it the response's body (the server closes it);
    // throws std::runtime_error when writing failed (e.g. the disk is full).
    void hand_over(HttpResponse& response);

private:
    class Buffer;
    std::unique_ptr<Buffer> buffer_;
    std::unique_ptr<std::ostream> stream_;
};

}  // namespace spillway
