// libFuzzer target for the control API's request path: the request target split into path and
// query, the route's body limit, the dead-letter filter from the query, and the JSON bodies
// (selection, actor, knobs). Input: the target on the first line, the body after it. Every input
// must end in a value or a BadRequest naming what is wrong; never a crash, a sanitizer report or
// an unbounded allocation. Single-threaded.
#include <QByteArray>
#include <QCoreApplication>
#include <cstddef>
#include <cstdint>

#include "core/pipeline/knobs.h"
#include "core/pipeline/snapshot_json.h"
#include "app/service/api_request.h"
#include "app/service/http_server.h"

using namespace spillway;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray target = newline < 0 ? input : input.left(newline);
    const QByteArray body = newline < 0 ? QByteArray() : input.mid(newline + 1);

    HttpRequest request;
    split_request_target(target, request);
    for (const char* method : {"GET", "PUT", "POST"}) {
        const uint64_t limit = api_body_limit(method, request.path);
        if (limit > kMaxPayloadEditBytes)
            __builtin_trap();
    }
    try {
        const DeadLetterFilter filter = filter_from_query(request.query);
        (void)filter.describe();
    } catch (const BadRequest& bad) {
        if (bad.message.empty())
            __builtin_trap();
    }
    try {
        (void)query_integer(request.query, "limit", 100, 1, 1000);
    } catch (const BadRequest&) {
    }
    try {
        const QJsonObject object = body_object(body);
        (void)actor_from(object);
        std::string error;
        const auto knobs = knobs_from_json(object, Knobs{}, &error);
        if (!knobs && error.empty())
            __builtin_trap();
        if (knobs)
            (void)validate(*knobs);
        try {
            const DeadLetterSelection selection = selection_from_body(object);
            (void)selection.describe();
        } catch (const BadRequest& bad) {
            if (bad.message.empty())
                __builtin_trap();
        }
    } catch (const BadRequest& bad) {
        if (bad.message.empty())
            __builtin_trap();
    }
    return 0;
}
