#pragma once
// Reading a control API request: the query parameters, the JSON bodies and the body limit of each
// route. Kept apart from the routes so that the fuzz target (tests/fuzz/fuzz_api_request.cpp)
// drives exactly this code. Pure functions: any thread.
#include <QByteArray>
#include <QJsonObject>
#include <QUrlQuery>
#include <cstdint>
#include <string>
#include <vector>

#include "core/dead_letters/dead_letter_store.h"

namespace spillway {

// A problem with the request itself: answered with 400 and the reason.
struct BadRequest {
    std::string message;
};

// The most body bytes a route takes: a dead letter's new payload (a whole message) may be large,
// a selection of entries moderate, anything else (knobs, drain, reads) small. Bodies are refused
// on Content-Length before a byte of them is read.
constexpr uint64_t kMaxPayloadEditBytes = 16u << 20;
constexpr uint64_t kMaxSelectionBodyBytes = 1u << 20;
constexpr uint64_t kMaxSmallBodyBytes = 64u << 10;
uint64_t api_body_limit(const QByteArray& method, const QByteArray& path);

// The body as a JSON object; throws BadRequest saying why not.
QJsonObject body_object(const QByteArray& body);
// ?name=N within [min, max] (fallback when absent); throws BadRequest naming the parameter.
int64_t query_integer(const QUrlQuery& query, const char* name, int64_t fallback, int64_t min,
                      int64_t max);
// The dead-letter filter of the list and reasons routes; throws BadRequest on unknown or bad
// parameters.
DeadLetterFilter filter_from_query(const QUrlQuery& query);
// {"ids": [...]} or {"filter": {...}}: exactly one of them; throws BadRequest.
DeadLetterSelection selection_from_body(const QJsonObject& body);
// "actor" (at most 100 characters), "api" when absent.
std::string actor_from(const QJsonObject& body);

}  // namespace spillway
