package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.train.InjectedFaults.Fault;
import org.sparkadadelta.spark.train.InjectedFaults.Kind;

class InjectedFaultsTest {
    @Test
    void parsesAPlanOfSeveralFaults() {
        InjectedFaults plan = InjectedFaults.parse("fail-task:step=3:partition=1, kill-executor:step=12:partition=0");
        assertEquals(List.of(new Fault(Kind.FAIL_TASK, 3, 1), new Fault(Kind.KILL_EXECUTOR, 12, 0)), plan.faults());
        assertEquals("kill-executor:step=12:partition=0", plan.faults().get(1).toString());
    }

    @Test
    void noPlanMeansNoFaults() {
        assertEquals(List.of(), InjectedFaults.parse(null).faults());
        assertEquals(List.of(), InjectedFaults.parse(" ").faults());
    }

    @Test
    void aBadPlanNamesTheSettingAndTheFault() {
        for (String[] bad : new String[][] {
                {"crash:step=1:partition=0", "unknown fault kind 'crash'"},
                {"fail-task:step=x:partition=0", "fail-task:step=x:partition=0"},
                {"fail-task:partition=0:step=1", "expected KIND:step=S:partition=P"},
                {"fail-task:step=-1:partition=0", "must be >= 0"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> InjectedFaults.parse("fail-task:step=1:partition=0," + bad[0]));
            assertTrue(e.getMessage().startsWith(InjectedFaults.KEY + ": bad fault '" + bad[0] + "'")
                    && e.getMessage().contains(bad[1]), e.getMessage());
        }
    }
}
