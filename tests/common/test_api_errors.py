"""ApiError: every server error shape becomes one readable message."""

from common.client.errors import ApiError


def test_plain_detail_with_code_and_extras():
    body = {"detail": "visit is COMPLETED", "code": "conflict", "current_status": "COMPLETED"}
    err = ApiError.from_response(409, body)
    assert (err.status, err.message, err.code, err.field) == (409, "Visit is COMPLETED", "conflict", None)
    assert err.details == {"current_status": "COMPLETED"}


def test_fastapi_validation_list_names_the_fields():
    body = {
        "detail": [
            {"loc": ["body", "date_of_birth"], "msg": "Input should be a valid date", "type": "date_parsing"},
            {"loc": ["query", "page"], "msg": "Input should be greater than 0", "type": "greater_than"},
        ]
    }
    err = ApiError.from_response(422, body)
    assert err.field == "date_of_birth"
    assert err.message == "Date of birth: input should be a valid date; Page: input should be greater than 0"
    assert err.code == "invalid"


def test_domain_invalid_input_shape():
    body = {
        "detail": [{"loc": ["body", "start_time"], "msg": "outside the doctor's hours", "type": "value_error"}],
        "code": "invalid",
        "field": "start_time",
    }
    err = ApiError.from_response(422, body)
    assert err.field == "start_time"
    assert err.message == "Start time: outside the doctor's hours"


def test_model_level_validation_drops_the_pydantic_prefix():
    body = {"detail": [{"loc": ["body"], "msg": "Value error, give exactly one of phase or new_status"}]}
    assert ApiError.from_response(422, body).message == "Give exactly one of phase or new_status"


def test_nested_location_takes_the_last_name():
    body = {"detail": [{"loc": ["body", "slots", 3, "hour"], "msg": "Input should be less than or equal to 23"}]}
    err = ApiError.from_response(422, body)
    assert err.field == "hour" and err.message.startswith("Hour: ")


def test_bodies_without_a_message_fall_back_to_the_status():
    assert ApiError.from_response(500, None).message == "The server had an internal error"
    assert ApiError.from_response(503, "<html>").message == "The server is unavailable"
    assert ApiError.from_response(418, {}).message == "The server answered with an error (418)"
