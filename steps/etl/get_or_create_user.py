from typing import Annotated

from loguru import logger
from zenml import get_step_context, step

from llm_engineering.domain.documents import UserDocument


@step
def get_or_create_user(user_full_name: str) -> Annotated[UserDocument, "user"]:
    first_name, last_name = UserDocument.split_full_name(user_full_name)
    user = UserDocument.get_or_create(first_name=first_name, last_name=last_name)
    logger.info(f"User '{user.full_name}' ({user.id}).")
    get_step_context().add_output_metadata(
        output_name="user",
        metadata={"user_id": str(user.id), "first_name": user.first_name, "last_name": user.last_name},
    )
    return user
