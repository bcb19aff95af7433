// The base of a test object whose test functions share one PipelineFixture (a private PostgreSQL
// server and a one-broker mock Kafka cluster), set up before the first function and torn down
// after the last. Qt Test finds initTestCase and cleanupTestCase on the base.
#pragma once

#include <QObject>

#include <memory>

#include "support/pipeline_fixture.h"

namespace spillway::test {

class PipelineTestCase : public QObject {
    Q_OBJECT

protected:
    std::unique_ptr<PipelineFixture> fixture_;

private slots:
    void initTestCase() { fixture_ = std::make_unique<PipelineFixture>(1); }
    void cleanupTestCase() { fixture_.reset(); }
};

}  // namespace spillway::test
