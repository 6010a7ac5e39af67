package io.notifyhub.worker.delivery;

/** What the listener does with a message once its job has been handled. */
enum Disposition {
    /** Done with it: the outcome is recorded (or there was nothing to do). */
    ACK,
    /** Reject without requeue: the work queue dead-letters it to the dead-letter queue. */
    DEAD_LETTER,
    /** Give it back to the queue for another delivery. */
    REQUEUE
}
