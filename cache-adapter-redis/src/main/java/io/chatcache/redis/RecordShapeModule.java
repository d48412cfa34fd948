package io.chatcache.redis;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.ValueInstantiators;
import com.fasterxml.jackson.databind.deser.impl.PropertyValueBuffer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * Refuses a JSON object that names none of the components of the record it is read as: stored
 * {@code {"foo":"bar"}}, {@code {}} or another record's value must not read as a record with every
 * component null. An object naming at least one component is read as usual (the rest are null, extra
 * properties ignored), so that adding a component never breaks a reader of older data. A component
 * marked {@code @JsonProperty(required = true)} must be present (Jackson's own rule). Costs one check
 * per record built.
 */
final class RecordShapeModule extends SimpleModule {

    RecordShapeModule() {
        super("chatcache-record-shape");
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addValueInstantiators(new ValueInstantiators.Base() {
            @Override
            public ValueInstantiator findValueInstantiator(DeserializationConfig config, BeanDescription beanDesc,
                    ValueInstantiator defaultInstantiator) {
                return beanDesc.getBeanClass().isRecord() ? new Checked(defaultInstantiator) : defaultInstantiator;
            }
        });
    }

    /** Builds records as the default instantiator does, once at least one component was present. */
    private static final class Checked extends ValueInstantiator.Delegating {

        Checked(ValueInstantiator delegate) {
            super(delegate);
        }

        @Override
        public ValueInstantiator createContextual(DeserializationContext ctxt, BeanDescription beanDesc)
                throws JsonMappingException {
            ValueInstantiator contextual = delegate().createContextual(ctxt, beanDesc);
            return contextual == delegate() ? this : new Checked(contextual);
        }

        @Override
        public Object createFromObjectWith(DeserializationContext ctxt, SettableBeanProperty[] props,
                PropertyValueBuffer buffer) throws IOException {
            if (props.length > 0) {
                boolean anyPresent = false;
                for (SettableBeanProperty prop : props) {
                    if (buffer.hasParameter(prop)) {
                        anyPresent = true;
                        break;
                    }
                }
                if (!anyPresent) {
                    return ctxt.reportInputMismatch(getValueClass(),
                            "the JSON object names none of the %d components of %s", props.length,
                            getValueClass().getName());
                }
            }
            return delegate().createFromObjectWith(ctxt, props, buffer);
        }
    }
}
