#include "ui/session/engine_control.h"

#include "core/pipeline/engine.h"

namespace spillway {

std::string EngineRef::apply_knobs(const Knobs& knobs, const std::string& origin) {
    return engine_.apply_knobs(knobs, origin);
}

std::optional<Knobs> EngineRef::knobs() const {
    return engine_.knobs();
}

std::vector<KnobChange> EngineRef::knob_history() const {
    return engine_.knob_history();
}

std::map<std::string, std::string> EngineRef::kafka_properties() const {
    return engine_.options().source.kafka_properties;
}

}  // namespace spillway
