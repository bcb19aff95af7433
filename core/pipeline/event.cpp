#include "core/pipeline/event.h"

namespace spillway {

const char* reject_reason_name(RejectReason reason) {
    switch (reason) {
        case RejectReason::None:
            return "none";
        case RejectReason::MalformedJson:
            return "malformed_json";
        case RejectReason::NotAnObject:
            return "not_an_object";
        case RejectReason::MissingId:
            return "missing_id";
        case RejectReason::InvalidField:
            return "invalid_field";
        case RejectReason::Oversized:
            return "oversized";
        case RejectReason::DatabaseReject:
            return "database_reject";
        case RejectReason::Overflow:
            return "overflow";
    }
    return "unknown";
}

}  // namespace spillway
