#pragma once
// spillway.tiering: archive and restore of partitions (default level warning, like the others).
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcTiering)
