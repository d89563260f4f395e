package dev.totem.simulator.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceLinesTest {

    @Test
    void readsTheFieldsOfEveryLineAndSkipsBlankOnes() throws IOException {
        List<TraceEvent> events = TraceLines.read(new StringReader("""
                {"t":1100,"node":2,"ev":"deliver","id":"m-\\u00e9\\"1\\\\","sender":1,"guarantee":"safe","ring":"1:4"}

                { "t" : 2000 , "node" : 0 , "ev" : "partition" , "groups" : [ [1,2] , [3] ] }
                {"t":2600,"node":2,"ev":"transition","machine":"m","from":"a","to":"b","reason":null,"extra":{"k":[1.5,-2,false]}}
                """));

        assertThat(events).hasSize(3);
        TraceEvent deliver = events.get(0);
        assertThat(deliver.t()).isEqualTo(1100);
        assertThat(deliver.node()).isEqualTo(2);
        assertThat(deliver.ev()).isEqualTo("deliver");
        assertThat(deliver.line()).isEqualTo(1);
        assertThat(deliver.requiredText("id")).isEqualTo("m-\u00e9\"1\\");
        assertThat(deliver.integer("sender", 0)).isEqualTo(1);
        assertThat(deliver.fields()).containsOnlyKeys("id", "sender", "guarantee", "ring");
        TraceEvent partition = events.get(1);
        assertThat(partition.line()).isEqualTo(3);
        assertThat(partition.intArrays("groups")).isDeepEqualTo(new int[][] {{1, 2}, {3}});
        TraceEvent transition = events.get(2);
        assertThat(transition.text("reason")).isNull();
        assertThat(transition.fields().get("extra")).isEqualTo(Map.of("k", List.of(1.5, -2L, false)));
    }

    @Test
    void wrongTypesNameTheLineAndTheField() throws IOException {
        TraceEvent e = TraceLines.parse("{\"t\":1,\"node\":2,\"ev\":\"deliver\",\"id\":7,\"sender\":\"x\"}", 12);
        assertThatThrownBy(() -> e.requiredText("id")).hasMessage("trace line 12: \"id\" should be a string, not 7");
        assertThatThrownBy(() -> e.integer("sender", 0))
                .hasMessage("trace line 12: \"sender\" should be an int, not x");
        assertThatThrownBy(() -> e.requiredText("ring")).hasMessage("trace line 12: deliver without \"ring\"");
        assertThatThrownBy(() -> TraceLines.parse("{\"t\":1,\"node\":2,\"ev\":\"x\",\"s\":\"open", 3))
                .hasMessageStartingWith("trace line 3: unterminated string");
        assertThatThrownBy(() -> TraceLines.parse("{\"t\":1,\"node\":99999999999,\"ev\":\"x\"}", 4))
                .hasMessageStartingWith("trace line 4: \"node\" out of range");
    }
}
