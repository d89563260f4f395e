package dev.totem.cpg;

/**
 * The state of one client in one group: corosync's {@code enum cpd_state} (exec/cpg.c). What a
 * join, leave or mcast answers in each state:
 *
 * <pre>
 * state           join                      leave                        mcast
 * UNJOINED        OK -> JOIN_STARTED        NOT_EXIST                    NOT_EXIST
 * JOIN_STARTED    EXIST                     BUSY                         OK (sent)
 * JOIN_COMPLETED  EXIST                     OK -> LEAVE_STARTED          OK
 * LEAVE_STARTED   BUSY                      NOT_EXIST                    NOT_EXIST
 * </pre>
 *
 * JOIN_STARTED becomes JOIN_COMPLETED when the join is delivered (or at the sync that counts
 * it); LEAVE_STARTED becomes UNJOINED when the leave is. Deliveries and confchgs reach a client
 * only in JOIN_COMPLETED and LEAVE_STARTED.
 */
public enum ConnectionState {
    UNJOINED,
    JOIN_STARTED,
    JOIN_COMPLETED,
    LEAVE_STARTED
}
