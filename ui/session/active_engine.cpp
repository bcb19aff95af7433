#include "ui/session/active_engine.h"

namespace spillway {

void ActiveEngine::use(EngineControl* control, SnapshotProvider snapshots) {
    control_ = control;
    snapshots_ = std::move(snapshots);
}

std::shared_ptr<const Snapshot> ActiveEngine::snapshot() const {
    return snapshots_ ? snapshots_() : nullptr;
}

std::string ActiveEngine::apply_knobs(const Knobs& knobs, const std::string& origin) {
    return control_ ? control_->apply_knobs(knobs, origin) : "no engine is running";
}

std::optional<Knobs> ActiveEngine::knobs() const {
    return control_ ? control_->knobs() : std::nullopt;
}

std::vector<KnobChange> ActiveEngine::knob_history() const {
    return control_ ? control_->knob_history() : std::vector<KnobChange>{};
}

std::map<std::string, std::string> ActiveEngine::kafka_properties() const {
    return control_ ? control_->kafka_properties() : std::map<std::string, std::string>{};
}

}  // namespace spillway
