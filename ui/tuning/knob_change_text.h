#pragma once
// Knob changes in words, for chart markers and the change history: only what changed, shortest
// first ("batch 5,000→700, writers 4→1").
#include <QString>

#include "core/pipeline/knobs.h"

namespace spillway {

QString describe_knob_change(const Knobs& before, const Knobs& after);
// One knob set in full, for tooltips and preset descriptions.
QString describe_knobs(const Knobs& knobs);
QString overflow_policy_label(OverflowPolicy policy);

}  // namespace spillway
