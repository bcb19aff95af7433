// C11 threads for ThreadSanitizer builds only (linked into every executable of the tsan preset).
//
// Debian's librdkafka runs all its threads and locks on glibc's C11 threads (thrd_create,
// mtx_lock, cnd_wait, ...). GCC 12's libtsan has no interceptors for those, and glibc implements
// them with internal pthread calls that bypass TSan's: a librdkafka thread then runs with no TSan
// thread state and crashes in TSan's allocator on its first malloc (google/sanitizers#1195), and
// its locks would give TSan no happens-before edges. The definitions below route each C11 call
// that librdkafka imports through the pthread function TSan does intercept. The dynamic loader
// binds librdkafka's references to the executable's definitions before libc's, so no library
// changes. glibc defines mtx_t, cnd_t and once_flag with the layout of their pthread
// counterparts (its own C11 functions are thin casts), which the static_asserts hold it to.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <new>

static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t));
static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t));
static_assert(sizeof(once_flag) == sizeof(pthread_once_t));
static_assert(sizeof(thrd_t) == sizeof(pthread_t));

namespace {

struct ThreadStart {
    thrd_start_t function;
    void* argument;
};

void* run_thread(void* start_pointer) {
    const ThreadStart start = *static_cast<ThreadStart*>(start_pointer);
    delete static_cast<ThreadStart*>(start_pointer);
    return reinterpret_cast<void*>(static_cast<intptr_t>(start.function(start.argument)));
}

pthread_mutex_t* as_pthread(mtx_t* mutex) {
    return reinterpret_cast<pthread_mutex_t*>(mutex);
}

pthread_cond_t* as_pthread(cnd_t* condition) {
    return reinterpret_cast<pthread_cond_t*>(condition);
}

int result_of(int pthread_result) {
    switch (pthread_result) {
    case 0:
        return thrd_success;
    case EBUSY:
        return thrd_busy;
    case ETIMEDOUT:
        return thrd_timedout;
    case ENOMEM:
    case EAGAIN:
        return thrd_nomem;
    default:
        return thrd_error;
    }
}

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
    auto* start = new (std::nothrow) ThreadStart{function, argument};
    if (start == nullptr)
        return thrd_nomem;
    const int result = pthread_create(thread, nullptr, run_thread, start);
    if (result != 0)
        delete start;
    return result_of(result);
}

int thrd_join(thrd_t thread, int* thread_result) {
    void* returned = nullptr;
    const int result = pthread_join(thread, &returned);
    if (result == 0 && thread_result != nullptr)
        *thread_result = static_cast<int>(reinterpret_cast<intptr_t>(returned));
    return result_of(result);
}

thrd_t thrd_current(void) {
    return pthread_self();
}

int mtx_init(mtx_t* mutex, int type) {
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    if ((type & mtx_recursive) != 0)
        pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    const int result = pthread_mutex_init(as_pthread(mutex), &attributes);
    pthread_mutexattr_destroy(&attributes);
    return result_of(result);
}

int mtx_lock(mtx_t* mutex) {
    return result_of(pthread_mutex_lock(as_pthread(mutex)));
}

int mtx_unlock(mtx_t* mutex) {
    return result_of(pthread_mutex_unlock(as_pthread(mutex)));
}

void mtx_destroy(mtx_t* mutex) {
    pthread_mutex_destroy(as_pthread(mutex));
}

int cnd_init(cnd_t* condition) {
    return result_of(pthread_cond_init(as_pthread(condition), nullptr));
}

int cnd_signal(cnd_t* condition) {
    return result_of(pthread_cond_signal(as_pthread(condition)));
}

int cnd_broadcast(cnd_t* condition) {
    return result_of(pthread_cond_broadcast(as_pthread(condition)));
}

int cnd_wait(cnd_t* condition, mtx_t* mutex) {
    return result_of(pthread_cond_wait(as_pthread(condition), as_pthread(mutex)));
}

int cnd_timedwait(cnd_t* condition, mtx_t* mutex, const struct timespec* deadline) {
    return result_of(pthread_cond_timedwait(as_pthread(condition), as_pthread(mutex), deadline));
}

void cnd_destroy(cnd_t* condition) {
    pthread_cond_destroy(as_pthread(condition));
}

void call_once(once_flag* flag, void (*function)(void)) {
    pthread_once(reinterpret_cast<pthread_once_t*>(flag), function);
}

}  // extern "C"
